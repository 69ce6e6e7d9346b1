import datetime as dt

from scheduling.intervals import Interval, cut_into_sessions, overlaps_any


def at(hour: int, minute: int = 0, day: int = 5) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=dt.UTC)


def test_it_counts_the_minutes_of_an_interval():
    assert Interval(at(14), at(17, 30)).minutes == 210


def test_overlapping_intervals_overlap_both_ways():
    first, second = Interval(at(14), at(17)), Interval(at(16), at(19))

    assert (first.overlaps(second), second.overlaps(first)) == (True, True)


def test_touching_intervals_do_not_overlap():
    morning, afternoon = Interval(at(10), at(14)), Interval(at(14), at(17))

    assert (morning.overlaps(afternoon), afternoon.overlaps(morning)) == (False, False)


def test_an_interval_inside_another_overlaps_it():
    assert Interval(at(10), at(18)).overlaps(Interval(at(12), at(13))) is True


def test_it_contains_an_interval_with_the_same_ends_but_not_one_running_past():
    day = Interval(at(10), at(18))

    assert day.contains(Interval(at(10), at(18))) is True
    assert day.contains(Interval(at(17), at(19))) is False


def test_overlaps_any_is_true_when_one_of_several_overlaps():
    session = Interval(at(14), at(17))
    busy = [Interval(at(9), at(10)), Interval(at(16, 59), at(18))]

    assert overlaps_any(session, busy) is True


def test_overlaps_any_is_false_for_touching_blocks_and_for_nothing_at_all():
    session = Interval(at(14), at(17))

    assert overlaps_any(session, [Interval(at(10), at(14)), Interval(at(17), at(20))]) is False
    assert overlaps_any(session, []) is False


def test_overlaps_any_takes_a_generator():
    session = Interval(at(14), at(17))

    assert overlaps_any(session, (Interval(at(h), at(h + 1)) for h in (8, 15))) is True


def test_it_cuts_a_window_into_back_to_back_sessions():
    assert cut_into_sessions(Interval(at(10), at(19)), 180) == [
        Interval(at(10), at(13)),
        Interval(at(13), at(16)),
        Interval(at(16), at(19)),
    ]


def test_it_drops_a_tail_shorter_than_a_session():
    assert cut_into_sessions(Interval(at(10), at(17, 59)), 120) == [
        Interval(at(10), at(12)),
        Interval(at(12), at(14)),
        Interval(at(14), at(16)),
    ]


def test_a_window_shorter_than_a_session_gives_no_session():
    assert cut_into_sessions(Interval(at(10), at(12, 59)), 180) == []


def test_a_window_exactly_one_session_long_gives_that_session():
    assert cut_into_sessions(Interval(at(10), at(13)), 180) == [Interval(at(10), at(13))]


def test_no_session_length_means_the_whole_window():
    window = Interval(at(10), at(17, 45))

    assert cut_into_sessions(window, None) == [window]


def test_it_cuts_across_midnight():
    assert cut_into_sessions(Interval(at(22), at(2, day=6)), 120) == [
        Interval(at(22), at(0, day=6)),
        Interval(at(0, day=6), at(2, day=6)),
    ]


def test_intervals_sort_by_start_then_end():
    intervals = [Interval(at(14), at(17)), Interval(at(10), at(13)), Interval(at(10), at(12))]

    assert sorted(intervals) == [
        Interval(at(10), at(12)),
        Interval(at(10), at(13)),
        Interval(at(14), at(17)),
    ]
