import datetime as dt
from zoneinfo import ZoneInfo

from scheduling.availability import Player, Unavailable, WeeklyWindow, unavailable_reason
from scheduling.intervals import Interval

NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
LONDON = ZoneInfo("Europe/London")
SATURDAY, SUNDAY = 5, 6

# 01:00-03:00 UTC on Sunday Dec 6 is Saturday Dec 5, 5-7 PM in Los Angeles.
EVENING_IN_LA = Interval(dt.datetime(2026, 12, 6, 1, tzinfo=dt.UTC), dt.datetime(2026, 12, 6, 3, tzinfo=dt.UTC))


def utc(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=dt.UTC)


def local(zone: ZoneInfo, month: int, day: int, start: int, end: int, *, end_day: int | None = None) -> Interval:
    return Interval(
        dt.datetime(2026, month, day, start, tzinfo=zone).astimezone(dt.UTC),
        dt.datetime(2026, month, end_day or day, end, tzinfo=zone).astimezone(dt.UTC),
    )


def player(zone: ZoneInfo = LOS_ANGELES, **facts) -> Player:
    return Player(id=7, name="Rosa", zone=zone, last_booked_at=None, calendar_id="musician-7", **facts)


def window(weekday: int, starts: int, ends: int) -> WeeklyWindow:
    return WeeklyWindow(weekday, dt.time(starts), dt.time(ends))


def test_a_musician_with_nothing_in_the_way_is_free():
    assert unavailable_reason(player(), EVENING_IN_LA) is None


def test_an_unreadable_calendar_means_unknown_whatever_else_is_true():
    rosa = player(busy=None, holds=[EVENING_IN_LA], blackouts=[(dt.date(2026, 12, 5), dt.date(2026, 12, 5))])

    assert unavailable_reason(rosa, EVENING_IN_LA) == Unavailable.CALENDAR_UNKNOWN


def test_an_overlapping_hold_means_booked_elsewhere():
    rosa = player(holds=[Interval(utc(6, 2), utc(6, 5))], busy=[Interval(utc(6, 0), utc(6, 2))])

    assert unavailable_reason(rosa, EVENING_IN_LA) == Unavailable.BOOKED_ELSEWHERE


def test_an_overlapping_busy_block_means_busy():
    rosa = player(busy=[Interval(utc(6, 2, 30), utc(6, 4))])

    assert unavailable_reason(rosa, EVENING_IN_LA) == Unavailable.BUSY


def test_a_busy_block_inside_the_session_means_busy():
    rosa = player(busy=[Interval(utc(6, 1, 30), utc(6, 2))])

    assert unavailable_reason(rosa, EVENING_IN_LA) == Unavailable.BUSY


def test_a_busy_block_ending_as_the_session_starts_does_not_block():
    rosa = player(busy=[Interval(utc(5, 22), utc(6, 1))])

    assert unavailable_reason(rosa, EVENING_IN_LA) is None


def test_a_hold_starting_as_the_session_ends_does_not_block():
    rosa = player(holds=[Interval(utc(6, 3), utc(6, 6))])

    assert unavailable_reason(rosa, EVENING_IN_LA) is None


def test_a_blackout_on_the_musicians_own_date_blocks_the_session():
    rosa = player(blackouts=[(dt.date(2026, 12, 5), dt.date(2026, 12, 5))])

    assert unavailable_reason(rosa, EVENING_IN_LA) == Unavailable.BLACKOUT


def test_a_blackout_on_the_utc_date_does_not_block_a_musician_for_whom_it_is_the_day_before():
    rosa = player(blackouts=[(dt.date(2026, 12, 6), dt.date(2026, 12, 6))])

    assert unavailable_reason(rosa, EVENING_IN_LA) is None


def test_in_london_the_same_session_falls_on_the_next_date():
    on_the_5th = player(LONDON, blackouts=[(dt.date(2026, 12, 5), dt.date(2026, 12, 5))])
    on_the_6th = player(LONDON, blackouts=[(dt.date(2026, 12, 6), dt.date(2026, 12, 6))])

    assert unavailable_reason(on_the_5th, EVENING_IN_LA) is None
    assert unavailable_reason(on_the_6th, EVENING_IN_LA) == Unavailable.BLACKOUT


def test_a_blackout_spanning_several_days_blocks_a_session_in_the_middle():
    rosa = player(blackouts=[(dt.date(2026, 12, 1), dt.date(2026, 12, 10))])

    assert unavailable_reason(rosa, EVENING_IN_LA) == Unavailable.BLACKOUT


def test_blackouts_before_and_after_the_session_do_not_block():
    rosa = player(
        blackouts=[(dt.date(2026, 12, 1), dt.date(2026, 12, 4)), (dt.date(2026, 12, 6), dt.date(2026, 12, 9))]
    )

    assert unavailable_reason(rosa, EVENING_IN_LA) is None


def test_a_session_across_the_musicians_midnight_is_blocked_by_a_blackout_on_the_second_day():
    late = local(LOS_ANGELES, 12, 5, 22, 2, end_day=6)
    rosa = player(blackouts=[(dt.date(2026, 12, 6), dt.date(2026, 12, 6))])

    assert unavailable_reason(rosa, late) == Unavailable.BLACKOUT


def test_a_session_ending_at_the_musicians_midnight_is_not_blocked_by_the_next_days_blackout():
    until_midnight = local(LOS_ANGELES, 12, 5, 21, 0, end_day=6)
    next_day_off = player(blackouts=[(dt.date(2026, 12, 6), dt.date(2026, 12, 6))])
    same_day_off = player(blackouts=[(dt.date(2026, 12, 5), dt.date(2026, 12, 5))])

    assert unavailable_reason(next_day_off, until_midnight) is None
    assert unavailable_reason(same_day_off, until_midnight) == Unavailable.BLACKOUT


def test_a_session_inside_a_weekly_window_on_the_musicians_clock_is_free():
    # On a UTC clock this session is on Sunday; for Rosa it is Saturday evening.
    rosa = player(weekly=[window(SATURDAY, 12, 20)])

    assert unavailable_reason(rosa, EVENING_IN_LA) is None


def test_a_window_on_the_utc_weekday_does_not_count():
    rosa = player(weekly=[window(SUNDAY, 0, 23)])

    assert unavailable_reason(rosa, EVENING_IN_LA) == Unavailable.OUTSIDE_WEEKLY


def test_a_session_exactly_filling_a_weekly_window_is_free():
    rosa = player(weekly=[window(SATURDAY, 17, 19)])

    assert unavailable_reason(rosa, EVENING_IN_LA) is None


def test_a_session_straddling_the_end_of_a_weekly_window_is_outside():
    rosa = player(weekly=[window(SATURDAY, 12, 18)])

    assert unavailable_reason(rosa, EVENING_IN_LA) == Unavailable.OUTSIDE_WEEKLY


def test_a_session_straddling_the_start_of_a_weekly_window_is_outside():
    rosa = player(weekly=[window(SATURDAY, 18, 23)])

    assert unavailable_reason(rosa, EVENING_IN_LA) == Unavailable.OUTSIDE_WEEKLY


def test_any_one_of_several_windows_is_enough():
    rosa = player(weekly=[window(SATURDAY, 9, 12), window(SUNDAY, 12, 20), window(SATURDAY, 16, 21)])

    assert unavailable_reason(rosa, EVENING_IN_LA) is None


def test_a_session_across_the_musicians_midnight_fits_no_weekly_window():
    late = local(LOS_ANGELES, 12, 5, 22, 1, end_day=6)
    rosa = player(weekly=[window(SATURDAY, 0, 23), window(SUNDAY, 0, 23)])

    assert unavailable_reason(rosa, late) == Unavailable.OUTSIDE_WEEKLY


def test_a_musician_with_no_weekly_windows_is_free_at_any_hour():
    small_hours = local(LOS_ANGELES, 12, 5, 3, 6)

    assert unavailable_reason(player(weekly=[]), small_hours) is None


def test_weekly_windows_follow_the_musicians_clock_on_dst_change_days():
    dee = player(NEW_YORK, weekly=[window(SUNDAY, 10, 18)])

    assert unavailable_reason(dee, local(NEW_YORK, 11, 1, 14, 17)) is None
    assert unavailable_reason(dee, local(NEW_YORK, 3, 8, 14, 17)) is None
    assert unavailable_reason(dee, local(NEW_YORK, 11, 1, 8, 11)) == Unavailable.OUTSIDE_WEEKLY
    assert unavailable_reason(dee, local(NEW_YORK, 3, 8, 8, 11)) == Unavailable.OUTSIDE_WEEKLY


def test_a_hold_outranks_a_blackout_and_the_weekly_windows():
    rosa = player(
        holds=[EVENING_IN_LA],
        blackouts=[(dt.date(2026, 12, 5), dt.date(2026, 12, 5))],
        weekly=[window(SUNDAY, 9, 10)],
    )

    assert unavailable_reason(rosa, EVENING_IN_LA) == Unavailable.BOOKED_ELSEWHERE


def test_a_blackout_outranks_the_weekly_windows():
    rosa = player(blackouts=[(dt.date(2026, 12, 5), dt.date(2026, 12, 5))], weekly=[window(SUNDAY, 9, 10)])

    assert unavailable_reason(rosa, EVENING_IN_LA) == Unavailable.BLACKOUT


def test_a_window_until_2359_covers_a_session_ending_at_midnight():
    rosa = player(NEW_YORK, weekly=[WeeklyWindow(SATURDAY, dt.time(18), dt.time(23, 59))])

    assert unavailable_reason(rosa, local(NEW_YORK, 12, 5, 21, 0, end_day=6)) is None
    assert unavailable_reason(rosa, local(NEW_YORK, 12, 5, 17, 20)) == Unavailable.OUTSIDE_WEEKLY


def test_touching_weekly_windows_join_into_one():
    rosa = player(NEW_YORK, weekly=[window(SATURDAY, 15, 20), window(SATURDAY, 12, 15)])

    assert unavailable_reason(rosa, local(NEW_YORK, 12, 5, 14, 16)) is None
    assert unavailable_reason(rosa, local(NEW_YORK, 12, 5, 11, 13)) == Unavailable.OUTSIDE_WEEKLY
