import itertools
from collections.abc import Mapping, Sequence

from hypothesis import given
from hypothesis import strategies as st

from scheduling.matching import best_lineup, full_lineup


def test_it_gives_each_seat_its_only_candidate():
    assert full_lineup({"drums": ["dee"], "bass": ["bo"]}) == {"drums": "dee", "bass": "bo"}


def test_it_finds_the_line_up_that_greedy_would_miss():
    # Greedy gives Ana the violin and leaves the cello empty.
    assert full_lineup({"violin": ["ana", "ben"], "cello": ["ana"]}) == {"violin": "ben", "cello": "ana"}


def test_it_follows_a_longer_chain_of_swaps():
    candidates = {"keys": ["ana", "ben"], "guitar": ["ben", "cy"], "drums": ["ana"]}

    assert full_lineup(candidates) == {"keys": "ben", "guitar": "cy", "drums": "ana"}


def test_two_seats_for_the_same_instrument_get_two_musicians():
    # Either way round is a full line-up; which seat gets whom is best_lineup's job.
    assert full_lineup({"violin 1": ["ana", "ben"], "violin 2": ["ana", "ben"]}) in (
        {"violin 1": "ana", "violin 2": "ben"},
        {"violin 1": "ben", "violin 2": "ana"},
    )


def test_there_is_no_line_up_when_two_seats_have_only_one_musician_between_them():
    assert full_lineup({"violin": ["ana"], "cello": ["ana"]}) is None


def test_there_is_no_line_up_when_a_seat_has_nobody():
    assert full_lineup({"drums": ["dee"], "tuba": []}) is None


def test_there_is_no_line_up_when_three_seats_share_two_musicians():
    candidates = {"keys": ["ana", "ben"], "guitar": ["ana", "ben"], "drums": ["ben", "ana"], "bass": ["cy"]}

    assert full_lineup(candidates) is None


def test_no_seats_is_an_empty_line_up():
    assert full_lineup({}) == {}


def test_best_gives_each_seat_its_top_musician_when_nothing_clashes():
    candidates = {"drums": ["dee", "dan"], "bass": ["bo", "bea"], "keys": ["kim", "kai"]}

    assert best_lineup(candidates) == {"drums": "dee", "bass": "bo", "keys": "kim"}


def test_best_sends_the_only_cellist_to_the_cello_even_if_top_for_violin():
    candidates = {"violin": ["ana", "ben", "cy"], "cello": ["ana"]}

    assert best_lineup(candidates) == {"violin": "ben", "cello": "ana"}


def test_best_keeps_the_earlier_seats_top_musician_where_a_swap_is_possible():
    # Any line-up works here; the first seat keeps its top pick and the second
    # takes its next one, where full_lineup would have swapped.
    candidates = {"keys": ["ana", "ben"], "guitar": ["ana", "cy"]}

    assert full_lineup(candidates) == {"keys": "ben", "guitar": "ana"}
    assert best_lineup(candidates) == {"keys": "ana", "guitar": "cy"}


def test_best_gives_two_same_seats_the_top_two_in_order():
    candidates = {"violin 1": ["ana", "ben", "cy"], "violin 2": ["ana", "ben", "cy"]}

    assert best_lineup(candidates) == {"violin 1": "ana", "violin 2": "ben"}


def test_best_is_none_when_no_line_up_exists():
    assert best_lineup({"violin": ["ana"], "cello": ["ana"]}) is None


def test_best_of_no_seats_is_empty():
    assert best_lineup({}) == {}


# Properties on small random bipartite graphs, against brute force.


@st.composite
def seat_graphs(draw) -> dict[str, list[int]]:
    musicians = list(range(draw(st.integers(min_value=0, max_value=6))))
    seat_count = draw(st.integers(min_value=0, max_value=5))
    pick = st.lists(st.sampled_from(musicians), unique=True) if musicians else st.just([])
    return {f"seat{n}": draw(pick) for n in range(seat_count)}


def all_lineups(candidates: Mapping[str, Sequence[int]]) -> list[dict[str, int]]:
    seats = list(candidates)
    musicians = sorted({m for ms in candidates.values() for m in ms})
    return [
        dict(zip(seats, chosen, strict=True))
        for chosen in itertools.permutations(musicians, len(seats))
        if all(m in candidates[s] for s, m in zip(seats, chosen, strict=True))
    ]


def assert_valid(lineup: dict[str, int], candidates: Mapping[str, Sequence[int]]) -> None:
    assert set(lineup) == set(candidates)
    assert len(set(lineup.values())) == len(lineup)
    assert all(musician in candidates[seat] for seat, musician in lineup.items())


@given(seat_graphs())
def test_full_lineup_exists_exactly_when_brute_force_finds_one(candidates):
    lineup = full_lineup(candidates)

    assert (lineup is not None) == bool(all_lineups(candidates))
    if lineup is not None:
        assert_valid(lineup, candidates)


@given(seat_graphs())
def test_best_lineup_is_the_best_ranked_line_up_seat_by_seat(candidates):
    # Seat by seat, the highest-ranked musician that still leaves a full line-up:
    # the smallest vector of rank positions, compared in seat order.
    def ranks(lineup: dict[str, int]) -> list[int]:
        return [candidates[seat].index(lineup[seat]) for seat in candidates]

    every = all_lineups(candidates)
    lineup = best_lineup(candidates)

    if not every:
        assert lineup is None
    else:
        assert lineup is not None
        assert_valid(lineup, candidates)
        assert ranks(lineup) == min(ranks(other) for other in every)
