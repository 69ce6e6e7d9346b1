from collections.abc import Sequence
from dataclasses import dataclass

from scheduling.intervals import Interval

# Calendar id -> its busy intervals, or None when the provider could not say
# (an unknown calendar is not a free one).
BusyTimes = dict[str, list[Interval] | None]


@dataclass(frozen=True)
class SessionEvent:
    """One session on one calendar. `uid` is stable, so writing it twice is one event."""

    uid: str
    calendar_id: str
    interval: Interval
    summary: str
    description: str = ""
    location: str = ""
    attendees: tuple[str, ...] = ()  # email addresses invited (the studio's event lists the band)


class CalendarError(Exception):
    """The calendar provider refused or failed. `permanent` errors are not worth a retry."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class CalendarBackend:
    local_feeds = False  # True: studios and musicians without a calendar id get a local one

    def busy(self, calendar_ids: Sequence[str], span: Interval) -> BusyTimes:
        raise NotImplementedError

    def write_event(self, event: SessionEvent) -> None:
        raise NotImplementedError

    def cancel_event(self, *, uid: str, calendar_id: str) -> None:
        raise NotImplementedError
