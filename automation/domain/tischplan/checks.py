"""Independent check of every hard constraint of a plan (used by tests, the CLI and the benchmark).

It reads only the instance and the plan records, not the solver's state, so it also checks plans from
other tools (and the benchmark's baselines).
"""

from __future__ import annotations

from collections import Counter

from automation.domain.tischplan.model import Instanz, Plan
from automation.domain.tischplan.problem import merge_groups


def violations(instanz: Instanz, plan: Plan) -> list[str]:
    """German descriptions of all broken hard constraints; empty for a valid plan."""
    out: list[str] = []
    tables = {t.id: t for t in instanz.tische}
    clubs = {v.id: v for v in instanz.vereine}
    persons = {p.id: p for p in instanz.teilnehmende}

    # clubs to tables
    club_tables: dict[str, list[str]] = {v: [] for v in clubs}
    clubs_at: dict[str, list[str]] = {t: [] for t in tables}
    for pt in plan.tische:
        if pt.id not in tables:
            out.append(f"Unbekannter Tisch »{pt.id}« im Plan.")
            continue
        clubs_at[pt.id].extend(pt.vereine)
        if len(pt.vereine) > instanz.vereine_pro_tisch_max:
            out.append(f"Tisch {pt.id}: {len(pt.vereine)} Vereine, erlaubt {instanz.vereine_pro_tisch_max}.")
        for v in pt.vereine:
            if v not in clubs:
                out.append(f"Tisch {pt.id}: unbekannter Verein »{v}«.")
                continue
            club_tables[v].append(pt.id)
            if clubs[v].barrierefrei_noetig and not tables[pt.id].barrierefrei:
                out.append(f"Verein {v} braucht Barrierefreiheit, Tisch {pt.id} ist nicht barrierefrei.")
    for v, ts in club_tables.items():
        if len(ts) != clubs[v].anzahl_tische or len(set(ts)) != len(ts):
            out.append(f"Verein {v} sitzt an {len(ts)} Tischen, vorgesehen {clubs[v].anzahl_tische}.")
    for group in instanz.vereine_zusammen:
        sets = [set(club_tables.get(v, [])) for v in group]
        if sets and not set.intersection(*sets):
            out.append(f"Vereine {', '.join(group)} sollen zusammen sitzen, tun es aber nicht.")
    for group in instanz.vereine_getrennt:
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if set(club_tables.get(a, [])) & set(club_tables.get(b, [])):
                    out.append(f"Vereine {a} und {b} sollen getrennt sitzen, teilen aber einen Tisch.")

    # participants per round
    rounds = {pr.runde: pr for pr in plan.runden}
    if sorted(rounds) != list(range(1, instanz.runden + 1)) or len(plan.runden) != instanz.runden:
        out.append(f"Der Plan muss genau die Runden 1 bis {instanz.runden} enthalten.")
    attends = {p.id: set(instanz.rounds_of(p)) for p in instanz.teilnehmende}
    visits: dict[str, Counter[str]] = {p: Counter() for p in persons}
    where: dict[int, dict[str, str]] = {}
    for r in range(1, instanz.runden + 1):
        round_ = rounds.get(r)
        seen: Counter[str] = Counter()
        where[r] = {}
        listed: set[str] = set()
        for rt in round_.tische if round_ else []:
            if rt.id not in tables:
                out.append(f"Runde {r}: unbekannter Tisch »{rt.id}«.")
                continue
            if rt.id in listed:
                out.append(f"Runde {r}: Tisch {rt.id} doppelt aufgeführt.")
            listed.add(rt.id)
            table = tables[rt.id]
            n = len(rt.teilnehmende)
            if n > table.plaetze:
                out.append(f"Runde {r}, Tisch {rt.id}: {n} Personen, nur {table.plaetze} Plätze.")
            if n < table.plaetze_min:
                out.append(f"Runde {r}, Tisch {rt.id}: {n} Personen, mindestens {table.plaetze_min} nötig.")
            for pid in rt.teilnehmende:
                if pid not in persons:
                    out.append(f"Runde {r}: unbekannte Teilnehmende »{pid}«.")
                    continue
                seen[pid] += 1
                where[r][pid] = rt.id
                visits[pid][rt.id] += 1
                if persons[pid].barrierefrei_noetig and not table.barrierefrei:
                    out.append(f"Runde {r}: {pid} braucht Barrierefreiheit, Tisch {rt.id} ist es nicht.")
        for t in tables:
            if t not in listed and tables[t].plaetze_min > 0:
                out.append(f"Runde {r}, Tisch {t}: 0 Personen, mindestens {tables[t].plaetze_min} nötig.")
        for pid in persons:
            if r in attends[pid] and seen[pid] != 1:
                out.append(f"Runde {r}: {pid} sitzt {seen[pid]}-mal statt einmal.")
            if r not in attends[pid] and seen[pid]:
                out.append(f"Runde {r}: {pid} ist nicht angemeldet, sitzt aber an einem Tisch.")
        # guides
        guides = [pid for pid in persons if persons[pid].lotse and r in attends[pid]]
        if guides:
            cap = -(-len(guides) // len(tables))
            per_table = Counter(where[r][g] for g in guides if g in where[r])
            for t, c in per_table.items():
                if c > cap:
                    out.append(f"Runde {r}, Tisch {t}: {c} Lots:innen, höchstens {cap}.")
            if len(guides) >= len(tables):
                occupied = set(where[r].values())
                for t in sorted(occupied - set(per_table)):
                    out.append(f"Runde {r}, Tisch {t}: keine Lotsin, kein Lotse, obwohl genug da sind.")
    for pid, counter in visits.items():
        for t, c in counter.items():
            if c > 1 and clubs_at.get(t):
                out.append(f"{pid} sitzt {c}-mal an Tisch {t}, der Vereine hat.")
    ids = list(persons)
    pos = {p: i for i, p in enumerate(ids)}
    groups = merge_groups(len(ids), [[pos[x] for x in g if x in pos] for g in instanz.zusammen])
    for members in groups:
        for r in range(1, instanz.runden + 1):
            seated_at = {where[r].get(ids[m]) for m in members if r in attends[ids[m]]}
            if len(seated_at) > 1:
                names = ", ".join(ids[m] for m in members)
                out.append(f"Runde {r}: die Gruppe {names} sitzt nicht zusammen.")
    for pair in instanz.getrennt:
        for i, a in enumerate(pair):
            for b in pair[i + 1 :]:
                for r in range(1, instanz.runden + 1):
                    if a in where[r] and where[r].get(a) == where[r].get(b):
                        out.append(f"Runde {r}: {a} und {b} sollen getrennt sitzen, sitzen aber zusammen.")
    return out
