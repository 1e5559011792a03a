"""Teams of two for a session: nobody left out, repeats avoided for as long as possible."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

# Above this many members the exact search gets slow; a greedy start with swaps takes over.
EXACT_LIMIT = 12


@dataclass
class PairHistory:
    """How often, and how lately (a session number), each two members were teamed up."""

    times: dict[frozenset[int], int] = field(default_factory=dict)
    last: dict[frozenset[int], int] = field(default_factory=dict)
    sessions: set[int] = field(default_factory=set)
    # Pairs of this round of a round-robin: the tie-break that keeps later rounds repeat-free.
    preferred: set[frozenset[int]] = field(default_factory=set)

    def add(self, session_number: int, team: Iterable[int]) -> None:
        self.sessions.add(session_number)
        for a, b in combinations(sorted(team), 2):
            key = frozenset((a, b))
            self.times[key] = self.times.get(key, 0) + 1
            self.last[key] = max(self.last.get(key, 0), session_number)

    def cost(self, a: int, b: int) -> int:
        """Never paired costs nothing; a repeat costs far more than any recency difference."""
        key = frozenset((a, b))
        times = self.times.get(key, 0)
        tie = 0 if key in self.preferred else 1
        if not times:
            return tie
        return times * 1_000_000 + self.last.get(key, 0) * 100 + tie


def team_cost(team: Sequence[int], history: PairHistory) -> int:
    return sum(history.cost(a, b) for a, b in combinations(team, 2))


def make_teams(members: Sequence[int], history: PairHistory, *, seed: int) -> list[list[int]]:
    """Split `members` into pairs, with one trio when the count is odd.

    Pairs never teamed up before come first; when a repeat cannot be avoided, the pair
    that met longest ago (and least often) is chosen. `seed` makes ties fall the same way
    each time for the same session, so a retried opening announces the same teams.
    """
    people = list(dict.fromkeys(members))
    if len(people) < 2:
        return []
    history.preferred = round_robin(sorted(people), len(history.sessions))
    random.Random(seed).shuffle(people)
    if len(people) <= EXACT_LIMIT:
        teams = _exact(people, history)
    else:
        teams = _improve(_greedy(people, history), history)
    return sorted(sorted(team) for team in teams)


def round_robin(people: Sequence[int], index: int) -> set[frozenset[int]]:
    """Round `index` of the circle method: over len-1 rounds every two people meet once."""
    seats: list[int | None] = [*people, None] if len(people) % 2 else list(people)
    if len(seats) < 2:
        return set()
    rest = seats[1:]
    shift = index % len(rest)
    rest = rest[shift:] + rest[:shift]
    seats = [seats[0], *rest]
    half = len(seats) // 2
    return {
        frozenset((a, b))
        for a, b in zip(seats[:half], reversed(seats[half:]), strict=True)
        if a is not None and b is not None
    }


def _exact(people: list[int], history: PairHistory) -> list[list[int]]:
    best: list[list[int]] = []
    best_cost = -1

    def search(left: list[int], chosen: list[list[int]], cost: int, trio_due: bool) -> None:
        nonlocal best, best_cost
        if best_cost >= 0 and cost >= best_cost:
            return
        if not left:
            best, best_cost = [list(t) for t in chosen], cost
            return
        first, rest = left[0], left[1:]
        for i, partner in enumerate(rest):
            others = rest[:i] + rest[i + 1 :]
            chosen.append([first, partner])
            search(others, chosen, cost + history.cost(first, partner), trio_due)
            chosen.pop()
            if trio_due:
                for j, third in enumerate(others):
                    team = [first, partner, third]
                    chosen.append(team)
                    search(
                        others[:j] + others[j + 1 :], chosen, cost + team_cost(team, history), False
                    )
                    chosen.pop()

    search(people, [], 0, len(people) % 2 == 1)
    return best


def _greedy(people: list[int], history: PairHistory) -> list[list[int]]:
    left = list(people)
    teams: list[list[int]] = []
    while len(left) >= 2:
        first = left.pop(0)
        partner = min(left, key=lambda other: history.cost(first, other))
        left.remove(partner)
        teams.append([first, partner])
    if left:  # the odd one out joins the pair that suits them best
        extra = left[0]
        best = min(teams, key=lambda team: team_cost([*team, extra], history))
        best.append(extra)
    return teams


def _improve(teams: list[list[int]], history: PairHistory) -> list[list[int]]:
    """Swap members between two teams while that lowers the total cost."""
    improved = True
    rounds = 0
    while improved and rounds < 50:
        improved = False
        rounds += 1
        for t1, t2 in combinations(range(len(teams)), 2):
            a, b = teams[t1], teams[t2]
            now = team_cost(a, history) + team_cost(b, history)
            for i in range(len(a)):
                for j in range(len(b)):
                    na = [*a[:i], b[j], *a[i + 1 :]]
                    nb = [*b[:j], a[i], *b[j + 1 :]]
                    if team_cost(na, history) + team_cost(nb, history) < now:
                        teams[t1], teams[t2] = a, b = na, nb
                        now = team_cost(a, history) + team_cost(b, history)
                        improved = True
    return teams
