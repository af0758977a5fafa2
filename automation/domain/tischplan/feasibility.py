"""Checks that show an instance cannot be satisfied, each with a German message naming the cause."""

from __future__ import annotations

from automation.domain.errors import InfeasibleError
from automation.domain.tischplan.problem import Problem


def check_feasibility(pr: Problem) -> None:
    """Raise InfeasibleError for the impossible instances one can see without solving."""
    ids = pr.person_ids
    if pr.T == 0:
        raise InfeasibleError("Die Instanz hat keine Tische; bitte mindestens einen Tisch anlegen.")
    largest = max(pr.seats)
    for r in range(pr.R):
        n = len(pr.attendees[r])
        seats = sum(pr.seats)
        if n > seats:
            raise InfeasibleError(
                f"Runde {r + 1}: {n} Teilnehmende, aber nur {seats} Plätze an {pr.T} Tischen. "
                "Bitte Tische oder Plätze ergänzen oder Anmeldungen begrenzen."
            )
        minimum = sum(pr.seats_min)
        if n < minimum:
            raise InfeasibleError(
                f"Runde {r + 1}: nur {n} Teilnehmende, aber die Tische verlangen zusammen mindestens "
                f"{minimum} (plaetze_min). Bitte plaetze_min senken."
            )
        needed = sum(1 for p in pr.attendees[r] if pr.needs_access[p])
        free_seats = sum(s for s, a in zip(pr.seats, pr.table_access, strict=True) if a)
        if needed > free_seats:
            raise InfeasibleError(
                f"Runde {r + 1}: {needed} Teilnehmende brauchen einen barrierefreien Platz, aber die "
                f"barrierefreien Tische haben nur {free_seats} Plätze."
            )
    for members in pr.units:
        if len(members) < 2:
            continue
        names = ", ".join(ids[p] for p in members)
        for p in members:
            for q in pr.getrennt_of[p]:
                if q in members:
                    raise InfeasibleError(
                        f"Die Gruppe {names} soll zusammen sitzen, aber {ids[p]} und {ids[q]} sollen "
                        "getrennt sitzen. Bitte »zusammen« oder »getrennt« korrigieren."
                    )
        for r in range(pr.R):
            present = [p for p in members if pr.attends[p][r]]
            guides = sum(1 for p in present if pr.guide[p])
            all_guides = sum(1 for p in pr.attendees[r] if pr.guide[p])
            if guides > 1 and guides > -(-all_guides // pr.T):
                raise InfeasibleError(
                    f"Die Gruppe {names} soll zusammen sitzen und hat in Runde {r + 1} {guides} Lots:innen, "
                    f"erlaubt sind höchstens {-(-all_guides // pr.T)} je Tisch. Bitte »zusammen« lockern."
                )
            access = any(pr.needs_access[p] for p in present)
            fitting = [s for s, a in zip(pr.seats, pr.table_access, strict=True) if a or not access]
            if present and (not fitting or len(present) > max(fitting)):
                kind = "barrierefreie " if access else ""
                room = max(fitting) if fitting else 0
                raise InfeasibleError(
                    f"Die Gruppe {names} soll zusammen sitzen und ist in Runde {r + 1} {len(present)} "
                    f"Personen groß, aber der größte {kind}Tisch hat nur {room} Plätze. "
                    "Bitte die Gruppe teilen oder größere Tische anlegen."
                )
    if largest < 1:
        raise InfeasibleError("Kein Tisch hat Plätze.")
    _check_guide_room(pr)
    _check_clubs(pr)


def _check_guide_room(pr: Problem) -> None:
    """Guides are spread: at most ⌈Lotsen/Tische⌉ per table. The seats must leave room for all of them,
    also beside the largest »zusammen« group, whose other members take seats a guide would need."""
    for r in range(pr.R):
        guides = sum(1 for p in pr.attendees[r] if pr.guide[p])
        if not guides:
            continue
        cap = -(-guides // pr.T)
        room = [min(cap, s) for s in pr.seats]
        group: list[int] = []
        for members in pr.units:
            present = [p for p in members if pr.attends[p][r]]
            if len(present) > 1 and sum(not pr.guide[p] for p in present) > sum(not pr.guide[p] for p in group):
                group = present
        others = sum(not pr.guide[p] for p in group)
        loss = min(
            (room[t] - min(cap, pr.seats[t] - others) for t in range(pr.T) if pr.seats[t] >= len(group)),
            default=0,
        )
        if sum(room) - loss >= guides:
            continue
        beside = f" neben der Gruppe {', '.join(pr.person_ids[p] for p in group)}" if loss else ""
        raise InfeasibleError(
            f"Runde {r + 1}: {guides} Lots:innen werden auf {pr.T} Tische verteilt (höchstens {cap} je Tisch), "
            f"aber{beside} bleiben nur Plätze für {sum(room) - loss}. Bitte Plätze oder einen Tisch ergänzen"
            + (" oder »zusammen« lockern." if loss else ".")
        )


def _check_clubs(pr: Problem) -> None:
    ids = pr.club_ids
    step_free_tables = sum(pr.table_access)
    for v in range(pr.C):
        if pr.club_access[v] and not step_free_tables:
            raise InfeasibleError(
                f"Verein »{ids[v]}« braucht einen barrierefreien Platz, aber kein Tisch ist barrierefrei. "
                "Bitte einen Tisch als barrierefrei kennzeichnen."
            )
        if pr.club_booths[v] > pr.T:
            raise InfeasibleError(
                f"Verein »{ids[v]}« soll an {pr.club_booths[v]} Tischen sitzen, es gibt aber nur {pr.T} Tische."
            )
        if pr.club_access[v] and pr.club_booths[v] > step_free_tables:
            raise InfeasibleError(
                f"Verein »{ids[v]}« braucht {pr.club_booths[v]} barrierefreie Tische, es gibt nur {step_free_tables}."
            )
    booths = sum(pr.club_booths)
    if booths > pr.T * pr.vpt_max:
        raise InfeasibleError(
            f"{booths} Vereinsstände passen nicht an {pr.T} Tische mit höchstens {pr.vpt_max} Vereinen. "
            "Bitte Tische ergänzen oder vereine_pro_tisch_max erhöhen."
        )
    apart = set(pr.clubs_apart)
    for group in pr.clubs_together:
        names = ", ".join(ids[v] for v in group)
        if len(group) > pr.vpt_max:
            raise InfeasibleError(
                f"Die Vereine {names} sollen an einem Tisch sitzen, aber höchstens {pr.vpt_max} Vereine "
                "passen an einen Tisch."
            )
        if len({pr.club_booths[v] for v in group}) > 1:
            raise InfeasibleError(
                f"Die Vereine {names} sollen zusammen sitzen, bringen aber unterschiedlich viele Stände mit "
                "(anzahl_tische). Bitte angleichen."
            )
        for a in group:
            for b in group:
                if (a, b) in apart:
                    raise InfeasibleError(
                        f"Die Vereine »{ids[a]}« und »{ids[b]}« sollen zugleich zusammen und getrennt sitzen."
                    )
        if any(pr.club_access[v] for v in group) and not step_free_tables:
            raise InfeasibleError(f"Die Vereine {names} brauchen einen barrierefreien Tisch; es gibt keinen.")
