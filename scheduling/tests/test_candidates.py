import datetime as dt
from zoneinfo import ZoneInfo

from scheduling.candidates import RankedSession, candidate_sessions, in_business_hours, rank_sessions
from scheduling.intervals import Interval

NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
OPENS, CLOSES = dt.time(10), dt.time(18)


def utc(day: int, hour: int, minute: int = 0, month: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)


def local(
    month: int, day: int, start: int, end: int, zone: ZoneInfo = NEW_YORK, *, end_day: int | None = None
) -> Interval:
    """A session given on the studio's clock, stored (as everything is) in UTC."""
    return Interval(
        dt.datetime(2026, month, day, start, tzinfo=zone).astimezone(dt.UTC),
        dt.datetime(2026, month, end_day or day, end, tzinfo=zone).astimezone(dt.UTC),
    )


def inside(session: Interval, zone: ZoneInfo = NEW_YORK) -> bool:
    return in_business_hours(session, zone=zone, opens=OPENS, closes=CLOSES)


# candidate_sessions


def test_it_cuts_the_windows_into_sessions():
    sessions = candidate_sessions(
        windows=[Interval(utc(5, 15), utc(5, 21))],
        minutes=120,
        studio_busy=[],
        earliest_start=utc(1, 0),
    )

    assert sessions == [
        Interval(utc(5, 15), utc(5, 17)),
        Interval(utc(5, 17), utc(5, 19)),
        Interval(utc(5, 19), utc(5, 21)),
    ]


def test_no_length_keeps_each_window_whole():
    sessions = candidate_sessions(
        windows=[Interval(utc(6, 15), utc(6, 20)), Interval(utc(5, 15), utc(5, 18))],
        minutes=None,
        studio_busy=[],
        earliest_start=utc(1, 0),
    )

    assert sessions == [Interval(utc(5, 15), utc(5, 18)), Interval(utc(6, 15), utc(6, 20))]


def test_it_drops_sessions_the_studio_is_busy_for_but_keeps_touching_ones():
    sessions = candidate_sessions(
        windows=[Interval(utc(5, 14), utc(5, 22))],
        minutes=120,
        studio_busy=[Interval(utc(5, 16, 30), utc(5, 17)), Interval(utc(5, 20), utc(5, 23))],
        earliest_start=utc(1, 0),
    )

    assert sessions == [Interval(utc(5, 14), utc(5, 16)), Interval(utc(5, 18), utc(5, 20))]


def test_it_drops_sessions_starting_before_the_earliest_start_but_keeps_one_starting_on_it():
    sessions = candidate_sessions(
        windows=[Interval(utc(5, 14), utc(5, 20))],
        minutes=120,
        studio_busy=[],
        earliest_start=utc(5, 16),
    )

    assert sessions == [Interval(utc(5, 16), utc(5, 18)), Interval(utc(5, 18), utc(5, 20))]


def test_it_merges_the_same_session_from_overlapping_windows_and_sorts():
    sessions = candidate_sessions(
        windows=[
            Interval(utc(6, 16), utc(6, 22)),
            Interval(utc(5, 16), utc(5, 22)),
            Interval(utc(5, 14), utc(5, 20)),
        ],
        minutes=120,
        studio_busy=[],
        earliest_start=utc(1, 0),
    )

    assert sessions == [
        Interval(utc(5, 14), utc(5, 16)),
        Interval(utc(5, 16), utc(5, 18)),
        Interval(utc(5, 18), utc(5, 20)),
        Interval(utc(5, 20), utc(5, 22)),
        Interval(utc(6, 16), utc(6, 18)),
        Interval(utc(6, 18), utc(6, 20)),
        Interval(utc(6, 20), utc(6, 22)),
    ]


def test_overlapping_windows_keep_sessions_that_overlap_without_being_the_same():
    sessions = candidate_sessions(
        windows=[Interval(utc(5, 14), utc(5, 17)), Interval(utc(5, 15), utc(5, 18))],
        minutes=180,
        studio_busy=[],
        earliest_start=utc(1, 0),
    )

    assert sessions == [Interval(utc(5, 14), utc(5, 17)), Interval(utc(5, 15), utc(5, 18))]


def test_it_takes_generators_for_windows_and_busy_times():
    sessions = candidate_sessions(
        windows=(w for w in [Interval(utc(5, 14), utc(5, 20))]),
        minutes=120,
        studio_busy=(b for b in [Interval(utc(5, 15), utc(5, 16))]),
        earliest_start=utc(1, 0),
    )

    assert sessions == [Interval(utc(5, 16), utc(5, 18)), Interval(utc(5, 18), utc(5, 20))]


def test_nothing_left_is_an_empty_list():
    sessions = candidate_sessions(
        windows=[Interval(utc(5, 14), utc(5, 16))],
        minutes=180,
        studio_busy=[],
        earliest_start=utc(1, 0),
    )

    assert sessions == []


# in_business_hours


def test_an_afternoon_session_is_inside_business_hours():
    # 19:00-22:00 UTC is 2-5 PM EST.
    assert inside(Interval(utc(5, 19), utc(5, 22))) is True


def test_it_reads_the_hours_on_the_studio_clock_not_utc():
    # 10:00-13:00 UTC would be inside on a UTC clock; it is 5-8 AM in New York.
    assert inside(Interval(utc(5, 10), utc(5, 13))) is False


def test_a_session_starting_at_opening_and_ending_at_closing_is_inside():
    assert inside(local(12, 5, 10, 18)) is True


def test_a_session_ending_exactly_at_closing_is_inside():
    assert inside(local(12, 5, 15, 18)) is True


def test_a_session_running_a_minute_past_closing_is_outside():
    session = local(12, 5, 15, 18)
    session = Interval(session.start, session.end + dt.timedelta(minutes=1))

    assert inside(session) is False


def test_a_session_starting_before_opening_is_outside():
    assert inside(local(12, 5, 8, 11)) is False


def test_a_session_crossing_the_studio_midnight_is_outside():
    assert inside(local(12, 5, 22, 2, end_day=6)) is False


def test_a_session_crossing_midnight_is_outside_even_when_the_hours_cover_both_clocks():
    session = local(12, 5, 23, 1, end_day=6)

    assert in_business_hours(session, zone=NEW_YORK, opens=dt.time(0), closes=dt.time(23, 59)) is False


def test_on_the_spring_forward_day_an_afternoon_session_is_inside():
    session = local(3, 8, 14, 17)

    assert (session.start, session.end) == (utc(8, 18, month=3), utc(8, 21, month=3))  # EDT, UTC-4
    assert inside(session) is True


def test_on_the_fall_back_day_an_afternoon_session_is_inside():
    session = local(11, 1, 14, 17)

    assert (session.start, session.end) == (utc(1, 19, month=11), utc(1, 22, month=11))  # EST, UTC-5
    assert inside(session) is True


def test_on_both_dst_change_days_an_early_morning_session_is_outside():
    assert (inside(local(3, 8, 8, 11)), inside(local(11, 1, 8, 11))) == (False, False)


def test_on_the_spring_forward_day_the_hours_follow_the_new_offset():
    # 14:00-18:00 UTC is 10 AM-2 PM EDT (inside); a fixed EST offset would say 9 AM (outside).
    assert inside(Interval(utc(8, 14, month=3), utc(8, 18, month=3))) is True
    # 21:00-22:30 UTC is 5-6:30 PM EDT (outside); a fixed EST offset would say 4-5:30 PM.
    assert inside(Interval(utc(8, 21, month=3), utc(8, 22, 30, month=3))) is False


def test_on_the_fall_back_day_the_hours_follow_the_new_offset():
    # 14:00-16:00 UTC is 9-11 AM EST (outside); the morning's EDT offset would say 10 AM.
    assert inside(Interval(utc(1, 14, month=11), utc(1, 16, month=11))) is False
    # 22:00-23:00 UTC is 5-6 PM EST (inside); the morning's EDT offset would say 6-7 PM.
    assert inside(Interval(utc(1, 22, month=11), utc(1, 23, month=11))) is True


def test_a_session_across_the_spring_forward_jump_is_outside():
    # 1 AM EST to 5 AM EDT, three hours of real time.
    session = Interval(utc(8, 6, month=3), utc(8, 9, month=3))

    assert session.minutes == 180
    assert inside(session) is False


def test_a_los_angeles_studio_uses_its_own_clock():
    # 17:00-20:00 UTC is 12-3 PM in New York but 9 AM-12 PM in Los Angeles.
    morning_in_la = Interval(utc(5, 17), utc(5, 20))
    # 23:00-02:00 UTC is 3-6 PM in Los Angeles, across midnight in New York and UTC.
    afternoon_in_la = Interval(utc(5, 23), utc(6, 2))

    assert (inside(morning_in_la, LOS_ANGELES), inside(morning_in_la, NEW_YORK)) == (False, True)
    assert (inside(afternoon_in_la, LOS_ANGELES), inside(afternoon_in_la, NEW_YORK)) == (True, False)


def test_a_los_angeles_studio_on_its_own_dst_day():
    assert inside(local(3, 8, 14, 17, LOS_ANGELES), LOS_ANGELES) is True
    assert inside(local(11, 1, 8, 11, LOS_ANGELES), LOS_ANGELES) is False


# rank_sessions


def test_it_ranks_business_hours_first_earliest_first_then_the_rest_earliest_first():
    evening_5th = local(12, 5, 19, 22)
    afternoon_6th = local(12, 6, 14, 17)
    morning_5th = local(12, 5, 7, 10)
    afternoon_5th = local(12, 5, 14, 17)
    late_6th = local(12, 6, 22, 1, end_day=7)

    ranked = rank_sessions(
        [evening_5th, afternoon_6th, morning_5th, afternoon_5th, late_6th],
        zone=NEW_YORK,
        opens=OPENS,
        closes=CLOSES,
    )

    assert ranked == [
        RankedSession(afternoon_5th, True),
        RankedSession(afternoon_6th, True),
        RankedSession(morning_5th, False),
        RankedSession(evening_5th, False),
        RankedSession(late_6th, False),
    ]


def test_a_later_business_hours_session_comes_before_an_earlier_one_outside():
    early_outside = local(3, 8, 8, 11)
    days_later_inside = local(3, 10, 14, 17)

    ranked = rank_sessions([early_outside, days_later_inside], zone=NEW_YORK, opens=OPENS, closes=CLOSES)

    assert [r.interval for r in ranked] == [days_later_inside, early_outside]
    assert [r.in_business_hours for r in ranked] == [True, False]


def test_ranking_follows_the_studio_zone():
    morning_in_la = Interval(utc(5, 17), utc(5, 20))
    afternoon_in_la = Interval(utc(5, 23), utc(6, 2))

    in_la = rank_sessions([morning_in_la, afternoon_in_la], zone=LOS_ANGELES, opens=OPENS, closes=CLOSES)
    in_ny = rank_sessions([morning_in_la, afternoon_in_la], zone=NEW_YORK, opens=OPENS, closes=CLOSES)

    assert in_la == [RankedSession(afternoon_in_la, True), RankedSession(morning_in_la, False)]
    assert in_ny == [RankedSession(morning_in_la, True), RankedSession(afternoon_in_la, False)]


def test_ranking_nothing_gives_nothing():
    assert rank_sessions([], zone=NEW_YORK, opens=OPENS, closes=CLOSES) == []
