import datetime as dt
from zoneinfo import ZoneInfo

from scheduling.availability import Player
from scheduling.intervals import Interval
from scheduling.plan import (
    RECENT_FIRST,
    RESTED_FIRST,
    SeatNeed,
    days_since,
    first_group,
    is_viable,
    rank_players,
    seat_candidates,
)

NOW = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)
NEW_YORK = ZoneInfo("America/New_York")
SESSION = Interval(dt.datetime(2026, 12, 5, 19, tzinfo=dt.UTC), dt.datetime(2026, 12, 5, 22, tzinfo=dt.UTC))
VIOLIN, CELLO, DRUMS = 1, 2, 3


def player(
    id: int,
    name: str,
    *,
    days_ago: float | None = None,
    plays: set[int] | None = None,
    busy: list[Interval] | None = None,
    calendar_read: bool = True,
) -> Player:
    last = None if days_ago is None else NOW - dt.timedelta(days=days_ago)
    return Player(
        id=id,
        name=name,
        zone=NEW_YORK,
        last_booked_at=last,
        calendar_id=f"musician-{id}",
        instrument_ids=plays if plays is not None else {VIOLIN},
        busy=(busy or []) if calendar_read else None,
    )


def names(players: list[Player]) -> list[str]:
    return [p.name for p in players]


# days_since


def test_never_booked_has_no_days_since():
    assert days_since(None, NOW) is None


def test_it_counts_whole_days_since_the_last_booking():
    assert days_since(NOW - dt.timedelta(days=3, hours=23), NOW) == 3


def test_less_than_a_day_ago_is_zero_days():
    assert days_since(NOW - dt.timedelta(hours=23, minutes=59), NOW) == 0


def test_a_booking_in_the_future_counts_as_zero_days():
    assert days_since(NOW + dt.timedelta(days=2), NOW) == 0


# rank_players


def test_recent_first_puts_the_fewest_days_since_booking_first_and_never_booked_last():
    players = [
        player(1, "Never Nell"),
        player(2, "Ten Days Tom", days_ago=10),
        player(3, "Yesterday Yan", days_ago=1),
        player(4, "Today Tia", days_ago=0.25),
    ]

    ranked = rank_players(players, now=NOW, order=RECENT_FIRST)

    assert names(ranked) == ["Today Tia", "Yesterday Yan", "Ten Days Tom", "Never Nell"]


def test_recent_first_breaks_ties_by_name_ignoring_case():
    players = [
        player(1, "bob", days_ago=2),
        player(2, "Zed", days_ago=2.9),  # still two whole days
        player(3, "Alice", days_ago=2.5),
        player(4, "carl"),
        player(5, "Bea"),
    ]

    ranked = rank_players(players, now=NOW, order=RECENT_FIRST)

    assert names(ranked) == ["Alice", "bob", "Zed", "Bea", "carl"]


def test_recent_first_breaks_a_tie_on_the_same_name_by_id():
    players = [player(9, "Sam", days_ago=4), player(3, "sam", days_ago=4)]

    assert [p.id for p in rank_players(players, now=NOW, order=RECENT_FIRST)] == [3, 9]


def test_rested_first_puts_the_most_days_first_and_never_booked_first_of_all():
    players = [
        player(1, "Yesterday Yan", days_ago=1),
        player(2, "Never Nell"),
        player(3, "Ten Days Tom", days_ago=10),
        player(4, "Today Tia", days_ago=0.25),
    ]

    ranked = rank_players(players, now=NOW, order=RESTED_FIRST)

    assert names(ranked) == ["Never Nell", "Ten Days Tom", "Yesterday Yan", "Today Tia"]


def test_rested_first_breaks_ties_by_name_ignoring_case():
    players = [
        player(1, "Bob", days_ago=7),
        player(2, "Carl"),
        player(3, "alice", days_ago=7.5),
        player(4, "bea"),
        player(5, "Dot", days_ago=1),
    ]

    ranked = rank_players(players, now=NOW, order=RESTED_FIRST)

    assert names(ranked) == ["bea", "Carl", "alice", "Bob", "Dot"]


def test_ranking_leaves_the_input_alone():
    players = [player(1, "Zed", days_ago=1), player(2, "Amy", days_ago=1)]

    rank_players(players, now=NOW, order=RECENT_FIRST)

    assert names(players) == ["Zed", "Amy"]


# seat_candidates


def test_it_lists_free_musicians_who_play_each_seat_in_ranked_order():
    ranked = [
        player(10, "Ana", plays={VIOLIN, CELLO}),
        player(11, "Ben", plays={DRUMS}),
        player(12, "Cy", plays={VIOLIN}),
        player(13, "Dee", plays={CELLO}),
    ]
    seats = [SeatNeed(seat_id=100, instrument_id=VIOLIN), SeatNeed(seat_id=101, instrument_id=CELLO)]

    assert seat_candidates(seats, SESSION, ranked) == {100: [10, 12], 101: [10, 13]}


def test_it_leaves_out_musicians_who_are_not_free():
    ranked = [
        player(10, "Busy Ana", busy=[Interval(SESSION.start + dt.timedelta(hours=1), SESSION.end)]),
        player(11, "Unknown Ben", calendar_read=False),
        player(12, "Free Cy"),
        player(13, "Free Dee", busy=[Interval(SESSION.end, SESSION.end + dt.timedelta(hours=2))]),
    ]

    assert seat_candidates([SeatNeed(seat_id=100, instrument_id=VIOLIN)], SESSION, ranked) == {100: [12, 13]}


def test_two_seats_for_one_instrument_each_list_the_same_musicians():
    ranked = [player(12, "Cy"), player(10, "Ana")]
    seats = [SeatNeed(seat_id=100, instrument_id=VIOLIN), SeatNeed(seat_id=101, instrument_id=VIOLIN)]

    assert seat_candidates(seats, SESSION, ranked) == {100: [12, 10], 101: [12, 10]}


def test_a_seat_nobody_plays_has_no_candidates():
    seats = [SeatNeed(seat_id=100, instrument_id=DRUMS)]

    assert seat_candidates(seats, SESSION, [player(10, "Ana")]) == {100: []}


# is_viable and first_group


def test_a_time_is_viable_when_every_seat_gets_a_different_musician():
    assert is_viable({100: [10, 12], 101: [10]}) is True


def test_a_time_is_not_viable_when_two_seats_share_their_only_musician():
    assert is_viable({100: [10], 101: [10]}) is False


def test_a_time_with_an_empty_seat_is_not_viable():
    assert is_viable({100: [10, 12], 101: []}) is False


def test_the_first_group_offers_each_seat_its_top_musician():
    assert first_group({100: [10, 12], 101: [13, 10]}) == {100: 10, 101: 13}


def test_the_first_group_sends_the_only_cellist_to_the_cello():
    ranked = rank_players(
        [
            player(10, "Ana the cellist", days_ago=1, plays={VIOLIN, CELLO}),
            player(12, "Cy", days_ago=30, plays={VIOLIN}),
        ],
        now=NOW,
        order=RECENT_FIRST,
    )
    candidates = seat_candidates(
        [SeatNeed(seat_id=100, instrument_id=VIOLIN), SeatNeed(seat_id=101, instrument_id=CELLO)],
        SESSION,
        ranked,
    )

    assert candidates == {100: [10, 12], 101: [10]}
    assert first_group(candidates) == {100: 12, 101: 10}


def test_there_is_no_first_group_at_a_time_that_is_not_viable():
    assert first_group({100: [10], 101: [10]}) is None
