import datetime as dt
from zoneinfo import ZoneInfo

from core.timefmt import format_moment, format_session

NEW_YORK = ZoneInfo("America/New_York")


def utc(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)


def test_an_afternoon_session_shows_the_period_once():
    assert format_session(utc(12, 5, 19), utc(12, 5, 22), NEW_YORK) == "Sat Dec 5, 2:00-5:00 PM EST"


def test_it_takes_the_zone_by_name():
    assert format_session(utc(12, 5, 19), utc(12, 5, 22), "America/New_York") == "Sat Dec 5, 2:00-5:00 PM EST"


def test_a_morning_session_shows_am():
    assert format_session(utc(12, 5, 14), utc(12, 5, 16, 30), NEW_YORK) == "Sat Dec 5, 9:00-11:30 AM EST"


def test_a_session_across_noon_shows_both_periods():
    assert format_session(utc(12, 5, 16), utc(12, 5, 19), NEW_YORK) == "Sat Dec 5, 11:00 AM-2:00 PM EST"


def test_a_session_starting_at_noon_shows_twelve_pm():
    assert format_session(utc(12, 5, 17), utc(12, 5, 19, 15), NEW_YORK) == "Sat Dec 5, 12:00-2:15 PM EST"


def test_a_session_ending_at_midnight_stays_on_one_day():
    assert format_session(utc(12, 6, 2), utc(12, 6, 5), NEW_YORK) == "Sat Dec 5, 9:00 PM-12:00 AM EST"


def test_a_morning_session_running_to_midnight_shows_both_periods():
    # Both ends are "AM"; "10:00-12:00 AM" would read as a two-hour morning.
    assert format_session(utc(12, 5, 15), utc(12, 6, 5), NEW_YORK) == "Sat Dec 5, 10:00 AM-12:00 AM EST"


def test_a_session_starting_at_midnight_shows_twelve_am():
    assert format_session(utc(12, 6, 5), utc(12, 6, 7), NEW_YORK) == "Sun Dec 6, 12:00-2:00 AM EST"


def test_a_session_across_midnight_shows_both_days():
    assert format_session(utc(12, 6, 3), utc(12, 6, 6), NEW_YORK) == "Sat Dec 5, 10:00 PM EST-Sun Dec 6, 1:00 AM EST"


def test_a_session_across_the_fall_back_shows_both_abbreviations():
    # 05:00 UTC is 1 AM EDT; 08:00 UTC is 3 AM EST, three hours later.
    assert format_session(utc(11, 1, 5), utc(11, 1, 8), NEW_YORK) == "Sun Nov 1, 1:00 AM EDT-3:00 AM EST"


def test_a_session_across_the_spring_forward_shows_both_abbreviations():
    # 06:00 UTC is 1 AM EST; 09:00 UTC is 5 AM EDT.
    assert format_session(utc(3, 8, 6), utc(3, 8, 9), NEW_YORK) == "Sun Mar 8, 1:00 AM EST-5:00 AM EDT"


def test_an_afternoon_session_on_a_dst_change_day_shows_the_new_abbreviation():
    assert format_session(utc(11, 1, 19), utc(11, 1, 22), NEW_YORK) == "Sun Nov 1, 2:00-5:00 PM EST"
    assert format_session(utc(3, 8, 18), utc(3, 8, 21), NEW_YORK) == "Sun Mar 8, 2:00-5:00 PM EDT"


def test_a_los_angeles_musician_sees_pacific_time():
    assert format_session(utc(12, 5, 19), utc(12, 5, 22), "America/Los_Angeles") == "Sat Dec 5, 11:00 AM-2:00 PM PST"


def test_a_summer_session_shows_daylight_time():
    assert format_session(utc(7, 18, 18), utc(7, 18, 21), NEW_YORK) == "Sat Jul 18, 2:00-5:00 PM EDT"


def test_the_day_is_the_readers_day_not_utcs():
    # Sunday 01:00 UTC is still Saturday evening in Los Angeles.
    assert format_session(utc(12, 6, 1), utc(12, 6, 3), "America/Los_Angeles") == "Sat Dec 5, 5:00-7:00 PM PST"


def test_a_moment_shows_day_clock_and_abbreviation():
    assert format_moment(utc(12, 5, 19, 30), NEW_YORK) == "Sat Dec 5, 2:30 PM EST"


def test_a_moment_in_another_zone_by_name():
    assert format_moment(utc(7, 18, 7, 5), "America/Los_Angeles") == "Sat Jul 18, 12:05 AM PDT"


def test_a_moment_on_the_fall_back_night_tells_the_two_one_oclocks_apart():
    assert (format_moment(utc(11, 1, 5), NEW_YORK), format_moment(utc(11, 1, 6), NEW_YORK)) == (
        "Sun Nov 1, 1:00 AM EDT",
        "Sun Nov 1, 1:00 AM EST",
    )
