"""Tabu search for pure mixing instances (Social Golfer and the like), after Dotú & Van Hentenryck (2005).

A *pure mixing* instance has nothing to optimise but repeat meetings: no clubs, one Gruppe, no
municipality cap that could bite, no couples, ``getrennt`` pairs, guides or step-free needs, everybody in
every round, all tables of the same size. Empty seats become *phantoms*, players whose meetings do not
count (so moving to an empty seat is a swap with a phantom).

The state is one partition per round; a move swaps two players of different tables in one round. Each
iteration evaluates every swap that involves a player in conflict (somebody at their table they meet more
than once) with incremental pair counts: with ``J[w, p, k]`` the people at table k in round w whom p has
met at least once and ``L[w, p]`` those at p's own table met at least twice,

    Δ(a, b) = J[w, a, table(b)] + J[w, b, table(a)] − L[w, a] − L[w, b] − 2·[a and b have met],

all rounds at once with numpy. The best non-tabu swap is taken (ties broken at random); a swapped pair may
not be swapped back in that round for a random tenure of 4–100 iterations unless it improves on the best
state (aspiration). After many iterations without improvement the search restarts from the best state
with a few random swaps. Deterministic for a seed and an iteration budget.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable

import numpy as np

from automation.domain.tischplan.problem import Problem
from automation.domain.tischplan.search import Budget, SearchStats

MAX_PLAYERS = 400
"""Above this many seats per round the dense pair matrices get too slow; annealing takes over."""

Progress = Callable[[float, int], None]


def is_pure_mixing(pr: Problem) -> bool:
    """True when only repeat meetings matter and the tabu search applies."""
    if pr.T < 2 or pr.R < 2 or pr.N < 2 or pr.C > 0:
        return False
    if any(pr.interests[p] for p in range(pr.N)):
        return False
    if pr.K > 1 or (pr.gemeinde_cap is not None and pr.M > 1 and pr.gemeinde_cap < pr.N):
        return False
    if any(len(u) > 1 for u in pr.units) or any(pr.getrennt_of) or any(pr.guide):
        return False
    if any(pr.needs_access[p] for p in range(pr.N)) and not all(pr.table_access):
        return False
    if any(len(rs) != pr.R for rs in pr.rounds_of):
        return False
    s = pr.seats[0]
    if any(x != s for x in pr.seats) or pr.T * s > MAX_PLAYERS or pr.T * s < pr.N:
        return False
    return not (any(pr.seats_min) and pr.T * s != pr.N)


class _State:
    """Partitions of all rounds with the pair counts of the real players."""

    def __init__(self, grp: np.ndarray, n_real: int, T: int) -> None:
        self.W, self.P = grp.shape
        self.T = T
        self.n_real = n_real
        self.real = np.zeros(self.P, dtype=np.float64)
        self.real[:n_real] = 1.0
        self.mask = np.outer(self.real, self.real)
        np.fill_diagonal(self.mask, 0.0)
        self.place(grp)

    def place(self, grp: np.ndarray) -> None:
        self.grp = grp.copy()
        self.M = np.zeros((self.W, self.P, self.T), dtype=np.float64)
        w_idx = np.repeat(np.arange(self.W), self.P)
        p_idx = np.tile(np.arange(self.P), self.W)
        self.M[w_idx, p_idx, self.grp.ravel()] = 1.0
        meet = np.einsum("wpk,wqk->pq", self.M, self.M)
        self.meet = meet * self.mask
        self.cost = int(np.maximum(self.meet - 1.0, 0.0).sum() // 2)

    def konflikt_deltas(self, w_free: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For every player a in conflict in a free round w: Δ of swapping a with each player b.

        Returns (rounds, players, Δ as rows × P); swaps within a table get +inf."""
        e1 = (self.meet >= 1.0).astype(np.float64)
        e2 = (self.meet >= 2.0).astype(np.float64)
        L2 = e2 @ self.M
        L = np.take_along_axis(L2, self.grp[:, :, None], axis=2)[:, :, 0]
        wi, ai = np.nonzero((L > 0) & w_free[:, None])
        if len(wi) == 0:
            return wi, ai, np.zeros((0, self.P))
        J = e1 @ self.M  # W × P × T
        g_w = self.grp[wi]  # rows × P: table of every b in that round
        g_a = self.grp[wi, ai]  # rows
        rows = np.arange(len(wi))[:, None]
        j_a = J[wi, ai][rows, g_w]  # J[w, a, table(b)]
        j_b = J[wi[:, None], np.arange(self.P)[None, :], g_a[:, None]]  # J[w, b, table(a)]
        D = j_a + j_b - L[wi, ai][:, None] - L[wi] - 2.0 * e1[ai]
        D[g_w == g_a[:, None]] = np.inf
        return wi, ai, D

    def deltas(self) -> tuple[np.ndarray, np.ndarray]:
        """Δ of every swap (W × P × P) and L (W × P), the conflicts of each player."""
        e1 = (self.meet >= 1.0).astype(np.float64)
        e2 = (self.meet >= 2.0).astype(np.float64)
        J = e1 @ self.M  # W × P × T
        L2 = e2 @ self.M
        L = np.take_along_axis(L2, self.grp[:, :, None], axis=2)[:, :, 0]
        idx = np.broadcast_to(self.grp[:, None, :], (self.W, self.P, self.P))
        Jg = np.take_along_axis(J, idx, axis=2)  # Jg[w, a, b] = J[w, a, table of b]
        D = Jg + Jg.transpose(0, 2, 1) - L[:, :, None] - L[:, None, :] - 2.0 * e1[None, :, :]
        return D, L

    def swap(self, w: int, a: int, b: int) -> None:
        ga, gb = int(self.grp[w, a]), int(self.grp[w, b])
        at_a = np.flatnonzero(self.grp[w] == ga)
        at_b = np.flatnonzero(self.grp[w] == gb)
        at_a = at_a[at_a != a]
        at_b = at_b[at_b != b]
        for x, alt, neu in ((a, at_a, at_b), (b, at_b, at_a)):
            self.meet[x, alt] -= self.mask[x, alt]
            self.meet[alt, x] -= self.mask[alt, x]
            self.meet[x, neu] += self.mask[x, neu]
            self.meet[neu, x] += self.mask[neu, x]
        self.grp[w, a], self.grp[w, b] = gb, ga
        self.M[w, a, ga] = 0.0
        self.M[w, a, gb] = 1.0
        self.M[w, b, gb] = 0.0
        self.M[w, b, ga] = 1.0


def freedom_start(
    W: int, T: int, s: int, n_real: int, rng: np.random.Generator, preset: np.ndarray | None = None
) -> np.ndarray:
    """Greedy start after Triska & Musliu (2012): tables are filled by pairs of players, each time the pair
    that keeps the most *freedom* — the number of players who have met nobody at the table yet — avoiding
    repeats first. Returns the table of each of the ``T·s`` players (phantoms last) in each round; the
    rounds of ``preset`` (if given) are taken as they are and the greedy fills the others."""
    P = T * s
    real = np.zeros(P, dtype=bool)
    real[:n_real] = True
    met = np.zeros((P, P), dtype=bool)
    grp = np.zeros((W, P), dtype=np.int64)
    fixed = 0 if preset is None else min(W, len(preset))
    if preset is not None and fixed:
        grp[:fixed] = preset[:fixed]
        for w in range(fixed):
            same = grp[w][:, None] == grp[w][None, :]
            met |= same & real[:, None] & real[None, :]
        np.fill_diagonal(met, False)
    for w in range(fixed, W):
        free = np.ones(P, dtype=bool)
        for k in range(T):
            table: list[int] = []
            while len(table) < s:
                candidates: np.ndarray = np.flatnonzero(free)
                t_idx: np.ndarray = np.array(table, dtype=np.int64)
                conflict: np.ndarray
                if s - len(table) == 1 or len(candidates) == 1:
                    conflict = met[np.ix_(candidates, t_idx)].sum(axis=1) if table else np.zeros(len(candidates))
                    choice = int(candidates[np.lexsort((rng.random(len(candidates)), conflict))[0]])
                    table.append(choice)
                    free[choice] = False
                    continue
                open_: np.ndarray = ~met[candidates, :]  # candidate × player: not met yet
                base: np.ndarray = np.ones(P, dtype=bool)
                if table:
                    base = np.logical_not(met[:, t_idx].any(axis=1))
                base[t_idx] = False
                # freedom of the table with a and b: players who have met none of them (a, b excluded)
                freedom = (open_ & base[None, :]).astype(np.float64) @ open_.T.astype(np.float64)
                freedom -= open_[:, candidates] * base[candidates][None, :]
                freedom -= (open_[:, candidates] * base[candidates][None, :]).T
                conflict = met[np.ix_(candidates, candidates)].astype(np.float64)
                if table:
                    to_table = met[np.ix_(candidates, t_idx)].sum(axis=1).astype(np.float64)
                    conflict += to_table[:, None] + to_table[None, :]
                value = conflict * (4 * P) - freedom + rng.random(freedom.shape) * 0.5
                np.fill_diagonal(value, np.inf)
                i, j = divmod(int(np.argmin(value)), len(candidates))
                for choice in (int(candidates[i]), int(candidates[j])):
                    table.append(choice)
                    free[choice] = False
            grp[w, table] = k
            for a in table:
                for b in table:
                    if a != b and real[a] and real[b]:
                        met[a, b] = True
    return grp


def _subspaces(n: int, k: int) -> list[frozenset[int]]:
    """All k-dimensional subspaces of GF(2)^n, each as the set of its non-zero vectors (bit masks)."""
    seen: set[frozenset[int]] = set()
    spaces: list[frozenset[int]] = []
    for base in itertools.combinations(range(1, 2**n), k):
        elements = {0}
        for b in base:
            elements |= {e ^ b for e in elements}
        if len(elements) != 2**k:
            continue
        space = frozenset(elements - {0})
        if space not in seen:
            seen.add(space)
            spaces.append(space)
    return spaces


def construction(W: int, T: int, s: int, rng: np.random.Generator, max_nodes: int = 50_000) -> np.ndarray | None:
    """Rounds without any repeat from design theory, when there are 2^n players at tables of 2^k.

    Players are the vectors of GF(2)^n; a k-dimensional subspace V splits them into the 2^(n−k) cosets
    x + V, one round. Two players x ≠ y meet in round V exactly when x − y ∈ V, so rounds from subspaces
    that share only the zero vector (a *partial spread*) never repeat a meeting. A depth-first search
    looks for W such subspaces (at most ``max_nodes`` nodes); returns the rounds found (perhaps fewer
    than W), or None when the sizes do not fit.
    """
    n, k = (T * s).bit_length() - 1, s.bit_length() - 1
    if T * s != 2**n or s != 2**k or k < 1 or k >= n or math.comb(2**n - 1, k) > 200_000:
        return None
    spaces = _subspaces(n, k)
    order = [spaces[i] for i in rng.permutation(len(spaces))]
    best_found: list[frozenset[int]] = []
    chosen: list[frozenset[int]] = []
    nodes = 0

    def search(start: int, used: frozenset[int]) -> bool:
        nonlocal nodes, best_found
        if len(chosen) > len(best_found):
            best_found = list(chosen)
        if len(chosen) >= W:
            return True
        free = 2**n - 1 - len(used)
        if free < (W - len(chosen)) * (2**k - 1):
            return False
        for i in range(start, len(order)):
            nodes += 1
            if nodes > max_nodes:
                return False
            space = order[i]
            if space.isdisjoint(used):
                chosen.append(space)
                if search(i + 1, used | space):
                    return True
                chosen.pop()
        return False

    search(0, frozenset())
    if not best_found:
        return None
    rounds = np.zeros((len(best_found), T * s), dtype=np.int64)
    for w, space in enumerate(best_found):
        elements = [0, *space]
        representative = {x: min(x ^ v for v in elements) for x in range(T * s)}
        number = {r: i for i, r in enumerate(sorted(set(representative.values())))}
        rounds[w] = [number[representative[x]] for x in range(T * s)]
    return rounds


def tabu_mixing(
    pr: Problem,
    seat: list[list[int]],
    seed: int,
    budget: Budget,
    target: int = 0,
    progress: Progress | None = None,
    stable_max: int = 600,
    tenure: tuple[int, int] = (4, 100),
) -> tuple[list[list[int]], SearchStats]:
    """Improve the seats ``seat[r][p]`` of a pure mixing instance; return the best seats found.

    Stops at ``target`` repeats (the lower bound) or when the budget is spent.
    """
    W, T, N = pr.R, pr.T, pr.N
    s = pr.seats[0]
    P = T * s
    rng = np.random.default_rng(seed)
    grp = np.zeros((W, P), dtype=np.int64)
    for w in range(W):
        grp[w, :N] = seat[w]
        free = [t for t in range(T) for _ in range(s - seat[w].count(t))]
        grp[w, N:] = free
    st = _State(grp, N, T)
    preset = construction(W, T, s, rng) if N == P else None
    greedy = _State(freedom_start(W, T, s, N, rng, preset), N, T)
    if greedy.cost < st.cost:
        st = greedy
    best_cost = st.cost
    best = st.grp.copy()
    tabu = np.zeros((W, P, P), dtype=np.int64)
    # with full tables and identical players the first round can stay as it is (symmetry)
    w_free = np.ones(W, dtype=bool)
    if N == P:
        w_free[0] = False
    stats = SearchStats()
    max_iter = budget.iterations
    start = time.perf_counter()
    last_report = start
    stable = 0
    it = 0
    while best_cost > target:
        if it % 64 == 0:
            if it >= max_iter:
                break
            now = time.perf_counter()
            if budget.deadline is not None and now >= budget.deadline:
                stats.capped = True
                break
            if progress is not None and now - last_report > 0.25:
                last_report = now
                progress(it / max_iter, best_cost)
        it += 1
        wi, ai, D = st.konflikt_deltas(w_free)
        if len(wi) == 0:
            break
        # a swap is tabu when the same two players were swapped in that round recently
        blocked = tabu[wi[:, None], ai[:, None], np.arange(P)[None, :]] > it
        value = np.where(blocked & (st.cost + D >= best_cost), np.inf, D)
        if not np.isfinite(value).any():
            value = D
        value = value + rng.random(value.shape) * 0.5
        row, b = divmod(int(np.argmin(value)), P)
        w, a = int(wi[row]), int(ai[row])
        st.cost += round(D[row, b])
        st.swap(w, a, b)
        tabu[w, a, b] = tabu[w, b, a] = it + int(rng.integers(tenure[0], tenure[1] + 1))
        if st.cost < best_cost:
            best_cost = st.cost
            best = st.grp.copy()
            stable = 0
        else:
            stable += 1
        if stable > stable_max:
            # restart from the best state with a few random swaps
            st.place(best)
            for _ in range(int(rng.integers(1, 4))):
                w = int(rng.choice(np.flatnonzero(w_free)))
                a = int(rng.integers(P))
                b = int(rng.choice(np.flatnonzero(st.grp[w] != st.grp[w, a])))
                st.swap(w, a, b)
            st.place(st.grp)
            tabu[:] = 0
            stable = 0
    stats.iterations = it
    return [[int(best[w, p]) for p in range(N)] for w in range(W)], stats
