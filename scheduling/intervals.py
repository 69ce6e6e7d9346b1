"""Half-open time intervals [start, end) in UTC, the unit of everything scheduling does."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Interval:
    start: dt.datetime
    end: dt.datetime

    def overlaps(self, other: "Interval") -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: "Interval") -> bool:
        return self.start <= other.start and other.end <= self.end

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


def overlaps_any(interval: Interval, others: Iterable[Interval]) -> bool:
    return any(interval.overlaps(other) for other in others)


def cut_into_sessions(window: Interval, minutes: int | None) -> list[Interval]:
    """Back-to-back sessions of `minutes` inside the window; the whole window if None.

    A tail shorter than a session is dropped: a session never runs past the
    client's window.
    """
    if minutes is None:
        return [window]
    length = dt.timedelta(minutes=minutes)
    sessions, start = [], window.start
    while start + length <= window.end:
        sessions.append(Interval(start, start + length))
        start += length
    return sessions
