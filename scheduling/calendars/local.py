from collections import defaultdict
from collections.abc import Sequence

from scheduling.intervals import Interval
from scheduling.models import CalendarEvent

from .base import BusyTimes, CalendarBackend, SessionEvent


class LocalCalendar(CalendarBackend):
    """Events in the database, served to phones as .ics feeds."""

    local_feeds = True

    def busy(self, calendar_ids: Sequence[str], span: Interval) -> BusyTimes:
        busy: BusyTimes = {calendar_id: [] for calendar_id in calendar_ids}
        events = CalendarEvent.objects.filter(
            calendar_id__in=calendar_ids,
            status=CalendarEvent.Status.CONFIRMED,
            starts_at__lt=span.end,
            ends_at__gt=span.start,
        ).values_list("calendar_id", "starts_at", "ends_at")
        found: dict[str, list[Interval]] = defaultdict(list)
        for calendar_id, start, end in events:
            found[calendar_id].append(Interval(start, end))
        busy.update(found)
        return busy

    def write_event(self, event: SessionEvent) -> None:
        CalendarEvent.objects.update_or_create(
            uid=event.uid,
            defaults={
                "calendar_id": event.calendar_id,
                "starts_at": event.interval.start,
                "ends_at": event.interval.end,
                "summary": event.summary,
                "description": event.description,
                "location": event.location,
                "status": CalendarEvent.Status.CONFIRMED,
            },
        )

    def cancel_event(self, *, uid: str, calendar_id: str) -> None:
        CalendarEvent.objects.filter(uid=uid, calendar_id=calendar_id).update(status=CalendarEvent.Status.CANCELLED)
