"""Teams of two as pure logic: everyone placed, one trio when odd, repeats as late as possible."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.community.pairing import EXACT_LIMIT, PairHistory, make_teams


def pairs_of(teams: list[list[int]]) -> set[frozenset[int]]:
    return {frozenset(p) for team in teams for p in combinations(team, 2)}


def rounds(members: list[int], count: int) -> list[list[list[int]]]:
    history = PairHistory()
    out = []
    for number in range(1, count + 1):
        teams = make_teams(members, history, seed=number)
        for team in teams:
            history.add(number, team)
        out.append(teams)
    return out


@given(st.lists(st.integers(1, 500), min_size=2, max_size=30, unique=True), st.integers(0, 99))
@settings(max_examples=60, deadline=None)
def test_everyone_is_placed_once_in_pairs_and_at_most_one_trio(
    members: list[int], seed: int
) -> None:
    teams = make_teams(members, PairHistory(), seed=seed)
    placed = [m for team in teams for m in team]
    assert sorted(placed) == sorted(members)
    sizes = sorted(len(team) for team in teams)
    assert sizes.count(3) == len(members) % 2
    assert set(sizes) <= {2, 3}


def test_too_few_members_make_no_teams() -> None:
    assert make_teams([], PairHistory(), seed=1) == []
    assert make_teams([7], PairHistory(), seed=1) == []


def test_three_members_make_one_trio() -> None:
    assert make_teams([3, 1, 2], PairHistory(), seed=5) == [[1, 2, 3]]


def test_four_members_meet_everyone_before_any_repeat() -> None:
    seen = [pairs_of(teams) for teams in rounds([1, 2, 3, 4], 3)]
    assert len(set().union(*seen)) == 6  # the three rounds use all six pairs


def test_six_members_get_no_repeat_for_as_long_as_one_is_possible() -> None:
    all_rounds = rounds([1, 2, 3, 4, 5, 6], 5)
    used: set[frozenset[int]] = set()
    repeats = 0
    for teams in all_rounds:
        now = pairs_of(teams)
        repeats += len(now & used)
        used |= now
    assert repeats == 0  # fifteen pairs over five rounds: everyone meets everyone once
    assert not pairs_of(all_rounds[1]) & pairs_of(all_rounds[0])
    assert not pairs_of(all_rounds[2]) & (pairs_of(all_rounds[0]) | pairs_of(all_rounds[1]))


def test_odd_group_never_repeats_a_trio_and_nobody_is_left_out() -> None:
    all_rounds = rounds([1, 2, 3, 4, 5], 5)
    trios = [tuple(team) for teams in all_rounds for team in teams if len(team) == 3]
    assert len(trios) == 5 and len(set(trios)) == 5
    assert all(sorted(m for team in teams for m in team) == [1, 2, 3, 4, 5] for teams in all_rounds)


def test_a_forced_repeat_picks_the_pair_that_met_longest_ago() -> None:
    history = PairHistory()
    history.add(1, [1, 2])
    history.add(1, [3, 4])
    history.add(2, [1, 3])
    history.add(2, [2, 4])
    history.add(3, [1, 4])
    history.add(3, [2, 3])
    teams = make_teams([1, 2, 3, 4], history, seed=1)
    assert teams == [[1, 2], [3, 4]]  # all pairs met; these met in session 1, the longest ago


def test_large_groups_still_avoid_repeats() -> None:
    members = list(range(1, EXACT_LIMIT + 9))
    all_rounds = rounds(members, 4)
    used: set[frozenset[int]] = set()
    for teams in all_rounds:
        now = pairs_of(teams)
        assert not now & used
        used |= now


def test_the_same_seed_gives_the_same_teams() -> None:
    members = [5, 9, 2, 7, 1, 4]
    assert make_teams(members, PairHistory(), seed=3) == make_teams(members, PairHistory(), seed=3)
