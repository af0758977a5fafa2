"""Stage 2 state: who sits where in each round, with every soft goal kept up to date incrementally.

Moves exchange a block A (at table t) with a block B (at table u, possibly empty: a plain move) in one
round. ``can_swap`` says whether the hard constraints still hold afterwards, ``evaluate_swap``
returns the change of every soft goal in O(table size), ``swap`` applies it.

Pair meetings are kept in one ``bytearray`` per participant (N bytes each), visits of tables in one
``bytearray`` per participant (T bytes each).
"""

from __future__ import annotations

from dataclasses import dataclass

from automation.domain.tischplan.problem import Problem

# Weights of the soft goals (in their order of importance) in the annealing energy.
W_COVERAGE = 10.0
W_REPEAT = 1.0
W_GROUP = 0.4
W_MUNICIPALITY = 0.2


@dataclass
class Delta:
    cover: float = 0.0
    cover_count: int = 0
    repeats: int = 0
    absent: int = 0
    excess: int = 0

    def energy(self) -> float:
        return -W_COVERAGE * self.cover + W_REPEAT * self.repeats + W_GROUP * self.absent + W_MUNICIPALITY * self.excess


class Seating:
    """Seating of all rounds for fixed clubs per table."""

    def __init__(self, pr: Problem, clubs_at: list[list[int]]) -> None:
        self.pr = pr
        R, T, N = pr.R, pr.T, pr.N
        self.clubs_at = clubs_at
        self.clubbed = [bool(c) for c in clubs_at]
        self.seat = [[-1] * N for _ in range(R)]
        self.members: list[list[list[int]]] = [[[] for _ in range(T)] for _ in range(R)]
        self.meet = [bytearray(N) for _ in range(N)]
        self.visits = [bytearray(T) for _ in range(N)]
        # interests by table: person -> {table: [(interest index, weight)]}
        club_tables: list[list[int]] = [[] for _ in range(pr.C)]
        for t, clubs in enumerate(clubs_at):
            for v in clubs:
                club_tables[v].append(t)
        self.iat: list[dict[int, list[tuple[int, float]]]] = []
        for p in range(N):
            d: dict[int, list[tuple[int, float]]] = {}
            for i, (v, w) in enumerate(pr.interests[p]):
                for t in club_tables[v]:
                    d.setdefault(t, []).append((i, w))
            self.iat.append(d)
        self.covc = [[0] * len(pr.interests[p]) for p in range(N)]
        self.K_r = [len({pr.group[p] for p in pr.attendees[r]}) for r in range(R)]
        self.gcount = [[[0] * max(pr.K, 1) for _ in range(T)] for _ in range(R)]
        self.present = [[0] * T for _ in range(R)]
        self.mcount = [[[0] * max(pr.M, 1) for _ in range(T)] for _ in range(R)]
        self.guides = [[0] * T for _ in range(R)]
        G = [sum(1 for p in pr.attendees[r] if pr.guide[p]) for r in range(R)]
        self.guide_cap = [-(-g // T) for g in G]
        self.guide_need = [g >= T and g > 0 for g in G]
        self.cap = pr.gemeinde_cap if pr.gemeinde_cap is not None else 1 << 30
        self.cover = 0.0
        self.cover_count = 0
        self.repeats = 0
        self.absent = 0
        self.excess = 0

    # ------------------------------------------------------------------ building
    def place(self, r: int, block: list[int], t: int) -> None:
        """Seat an unseated block at table t in round r (used while building)."""
        self._join(r, block, t, ())

    def _join(self, r: int, A: list[int] | tuple[int, ...], t: int, exclude: tuple[int, ...] | list[int]) -> None:
        pr = self.pr
        occ = self.members[r][t]
        K = self.K_r[r]
        for a in A:
            ma = self.meet[a]
            for x in occ:
                if x in exclude:
                    continue
                if ma[x] >= 1 and pr.unit[a] != pr.unit[x]:
                    self.repeats += 1
                ma[x] += 1
                self.meet[x][a] += 1
            was_empty = not occ
            if was_empty:
                self.absent += K
            gc = self.gcount[r][t]
            g = pr.group[a]
            if gc[g] == 0:
                self.present[r][t] += 1
                self.absent -= 1
            gc[g] += 1
            mc = self.mcount[r][t]
            k = pr.kommune[a]
            if mc[k] >= self.cap:
                self.excess += 1
            mc[k] += 1
            if pr.guide[a]:
                self.guides[r][t] += 1
            self.visits[a][t] += 1
            hits = self.iat[a].get(t)
            if hits:
                cv = self.covc[a]
                for i, w in hits:
                    if cv[i] == 0:
                        self.cover += w
                        self.cover_count += 1
                    cv[i] += 1
            occ.append(a)
            self.seat[r][a] = t

    def _leave(self, r: int, A: list[int], t: int) -> None:
        pr = self.pr
        occ = self.members[r][t]
        K = self.K_r[r]
        for a in A:
            occ.remove(a)
        for a in A:
            ma = self.meet[a]
            for x in occ:
                ma[x] -= 1
                self.meet[x][a] -= 1
                if ma[x] >= 1 and pr.unit[a] != pr.unit[x]:
                    self.repeats -= 1
        # pairs inside A that stay together are unaffected; groups and municipalities:
        for idx, a in enumerate(A):
            rest = len(occ) + len(A) - idx - 1
            gc = self.gcount[r][t]
            g = pr.group[a]
            gc[g] -= 1
            if gc[g] == 0:
                self.present[r][t] -= 1
                self.absent += 1
            if rest == 0:
                self.absent -= K
            mc = self.mcount[r][t]
            k = pr.kommune[a]
            mc[k] -= 1
            if mc[k] >= self.cap:
                self.excess -= 1
            if pr.guide[a]:
                self.guides[r][t] -= 1
            self.visits[a][t] -= 1
            hits = self.iat[a].get(t)
            if hits:
                cv = self.covc[a]
                for i, w in hits:
                    cv[i] -= 1
                    if cv[i] == 0:
                        self.cover -= w
                        self.cover_count -= 1
            self.seat[r][a] = -1
        # pairs inside A (they left together): their mutual meeting is undone as well
        for i, a in enumerate(A):
            for b in A[i + 1 :]:
                self.meet[a][b] -= 1
                self.meet[b][a] -= 1
                if self.meet[a][b] >= 1 and pr.unit[a] != pr.unit[b]:
                    self.repeats -= 1

    def swap(self, r: int, A: list[int], t: int, B: list[int], u: int) -> None:
        """Apply the exchange: A moves from t to u, B from u to t."""
        self._leave(r, A, t)
        if B:
            self._leave(r, B, u)
        self._join(r, A, u, ())
        if B:
            self._join(r, B, t, ())

    # ------------------------------------------------------------------ evaluation
    def can_swap(self, r: int, A: list[int], t: int, B: list[int], u: int) -> bool:
        """True when the exchange keeps every hard constraint."""
        pr = self.pr
        seat_r = self.seat[r]
        na, nb = len(A), len(B)
        if na != nb:
            n_t, n_u = len(self.members[r][t]), len(self.members[r][u])
            if n_u - nb + na > pr.seats[u] or n_t - na + nb > pr.seats[t]:
                return False
            new_u, new_t = n_u - nb + na, n_t - na + nb
            # never take a table below its minimum; a table already below it may only fill up
            if (new_u < pr.seats_min[u] and new_u < n_u) or (new_t < pr.seats_min[t] and new_t < n_t):
                return False
        clubbed_u, clubbed_t = self.clubbed[u], self.clubbed[t]
        acc_u, acc_t = pr.table_access[u], pr.table_access[t]
        ga = gb = 0
        for a in A:
            if (clubbed_u and self.visits[a][u]) or (pr.needs_access[a] and not acc_u):
                return False
            for x in pr.getrennt_of[a]:
                if seat_r[x] == u and x not in B:
                    return False
            ga += pr.guide[a]
        for b in B:
            if (clubbed_t and self.visits[b][t]) or (pr.needs_access[b] and not acc_t):
                return False
            for x in pr.getrennt_of[b]:
                if seat_r[x] == t and x not in A:
                    return False
            gb += pr.guide[b]
        if ga != gb:
            cap = self.guide_cap[r]
            g_t = self.guides[r][t] - ga + gb
            g_u = self.guides[r][u] - gb + ga
            if g_t > cap or g_u > cap:
                return False
            if self.guide_need[r]:
                if g_t == 0 and len(self.members[r][t]) - na + nb > 0:
                    return False
                if g_u == 0 and len(self.members[r][u]) - nb + na > 0:
                    return False
        elif self.guide_need[r] and ga == 0 and not B and not self.members[r][u]:
            # a plain move of non-guides must not open a table without a guide
            return False
        return True

    def evaluate_swap(self, r: int, A: list[int], t: int, B: list[int], u: int) -> Delta:
        """Change of the soft goals if A moves t→u and B moves u→t (hard constraints not checked)."""
        pr = self.pr
        meet = self.meet
        occ_t = self.members[r][t]
        occ_u = self.members[r][u]
        unit = pr.unit
        rep = 0
        for a in A:
            ma = meet[a]
            ua = unit[a]
            for x in occ_t:
                if ma[x] >= 2 and unit[x] != ua and x not in A:
                    rep -= 1
            for y in occ_u:
                if ma[y] >= 1 and unit[y] != ua and y not in B:
                    rep += 1
        for b in B:
            mb = meet[b]
            ub = unit[b]
            for y in occ_u:
                if mb[y] >= 2 and unit[y] != ub and y not in B:
                    rep -= 1
            for x in occ_t:
                if mb[x] >= 1 and unit[x] != ub and x not in A:
                    rep += 1
        cover = 0.0
        count = 0
        for a in A:
            cover, count = self._cover_delta(a, t, u, cover, count)
        for b in B:
            cover, count = self._cover_delta(b, u, t, cover, count)
        absent = 0
        excess = 0
        if not (len(A) == 1 and len(B) == 1 and pr.group[A[0]] == pr.group[B[0]]):
            absent = self._absent_delta(r, t, A, B) + self._absent_delta(r, u, B, A)
        if pr.gemeinde_cap is not None:
            excess = self._excess_delta(r, t, A, B) + self._excess_delta(r, u, B, A)
        return Delta(cover, count, rep, absent, excess)

    def _cover_delta(self, p: int, t: int, u: int, cover: float, count: int) -> tuple[float, int]:
        iat = self.iat[p]
        lose = iat.get(t)
        gain = iat.get(u)
        if not lose and not gain:
            return cover, count
        cv = self.covc[p]
        change: dict[int, int] = {}
        if lose:
            for i, _w in lose:
                change[i] = change.get(i, 0) - 1
        if gain:
            for i, _w in gain:
                change[i] = change.get(i, 0) + 1
        weights = self.pr.interests[p]
        for i, c in change.items():
            before = cv[i] > 0
            after = cv[i] + c > 0
            if before != after:
                w = weights[i][1]
                if after:
                    cover += w
                    count += 1
                else:
                    cover -= w
                    count -= 1
        return cover, count

    def _absent_delta(self, r: int, t: int, out: list[int], into: list[int]) -> int:
        n = len(self.members[r][t])
        n_after = n - len(out) + len(into)
        gc = self.gcount[r][t]
        change: dict[int, int] = {}
        group = self.pr.group
        for a in out:
            change[group[a]] = change.get(group[a], 0) - 1
        for b in into:
            change[group[b]] = change.get(group[b], 0) + 1
        present = self.present[r][t]
        for g, c in change.items():
            if c and (gc[g] > 0) != (gc[g] + c > 0):
                present += 1 if c > 0 else -1
        K = self.K_r[r]
        before = K - self.present[r][t] if n else 0
        after = K - present if n_after else 0
        return after - before

    def _excess_delta(self, r: int, t: int, out: list[int], into: list[int]) -> int:
        mc = self.mcount[r][t]
        change: dict[int, int] = {}
        kommune = self.pr.kommune
        for a in out:
            change[kommune[a]] = change.get(kommune[a], 0) - 1
        for b in into:
            change[kommune[b]] = change.get(kommune[b], 0) + 1
        cap = self.cap
        d = 0
        for k, c in change.items():
            d += max(0, mc[k] + c - cap) - max(0, mc[k] - cap)
        return d

    def energy(self) -> float:
        return Delta(self.cover, self.cover_count, self.repeats, self.absent, self.excess).energy()

    def copy_seats(self) -> list[list[int]]:
        return [row[:] for row in self.seat]

    def load(self, seats: list[list[int]]) -> None:
        """Reset the state to the given seats (every block at the table of its first member)."""
        self.__init__(self.pr, self.clubs_at)  # type: ignore[misc]
        for r in range(self.pr.R):
            for block in self.pr.blocks(r):
                self.place(r, block, seats[r][block[0]])
