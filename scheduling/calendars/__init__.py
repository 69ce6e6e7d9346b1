"""Calendar backends, picked by CALENDAR_BACKEND like Django's EMAIL_BACKEND.

`local` keeps events in the database and serves them as .ics feeds; `google`
(the providers issue) talks to Google Calendar. Both answer free/busy for many
calendars at once and write one event per calendar per session.
"""

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .base import BusyTimes, CalendarBackend, CalendarError, SessionEvent

BACKENDS = {
    "local": "scheduling.calendars.local.LocalCalendar",
    "google": "scheduling.calendars.google.GoogleCalendar",
}

__all__ = ["BusyTimes", "CalendarBackend", "CalendarError", "SessionEvent", "get_calendar_backend"]


@cache
def _backend_for(name: str) -> CalendarBackend:
    try:
        return import_string(BACKENDS[name])()
    except KeyError:
        known = ", ".join(sorted(BACKENDS))
        raise ImproperlyConfigured(f"CALENDAR_BACKEND={name!r} is not one of: {known}.") from None


def get_calendar_backend() -> CalendarBackend:
    return _backend_for(settings.CALENDAR_BACKEND)
