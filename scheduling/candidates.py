"""Candidate times: the client's windows, cut into sessions, that the studio can host.

And their order, the seed's rule: sessions wholly inside business hours (studio
clock, so DST moves with it) earliest first, then the rest earliest first.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .intervals import Interval, cut_into_sessions, overlaps_any


@dataclass(frozen=True)
class RankedSession:
    interval: Interval
    in_business_hours: bool


def candidate_sessions(
    *,
    windows: Iterable[Interval],
    minutes: int | None,
    studio_busy: Iterable[Interval],
    earliest_start: dt.datetime,
) -> list[Interval]:
    """Sessions cut from the windows, minus the studio's busy times and anything too soon."""
    busy = list(studio_busy)
    sessions = {
        session
        for window in windows
        for session in cut_into_sessions(window, minutes)
        if session.start >= earliest_start and not overlaps_any(session, busy)
    }
    return sorted(sessions)


def in_business_hours(session: Interval, *, zone: ZoneInfo, opens: dt.time, closes: dt.time) -> bool:
    """Whether the whole session lies inside opening hours on one studio day."""
    start, end = session.start.astimezone(zone), session.end.astimezone(zone)
    if end.date() != start.date():
        return False
    return opens <= start.time() and end.time() <= closes


def rank_sessions(
    sessions: Iterable[Interval], *, zone: ZoneInfo, opens: dt.time, closes: dt.time
) -> list[RankedSession]:
    ranked = [RankedSession(s, in_business_hours(s, zone=zone, opens=opens, closes=closes)) for s in sessions]
    return sorted(ranked, key=lambda r: (not r.in_business_hours, r.interval.start))
