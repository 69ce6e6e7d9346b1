"""Calendar backends, picked by CALENDAR_BACKEND like Django's EMAIL_BACKEND.

`local` keeps events in the database and serves them as .ics feeds; `google`
(the providers issue) talks to Google Calendar. Both answer free/busy for many
calendars at once and write one event per calendar per session.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .base import BusyTimes, CalendarBackend, CalendarError, SessionEvent

BACKENDS = {
    "local": "scheduling.calendars.local.LocalCalendar",
    "google": "scheduling.calendars.google.GoogleCalendar",
}

__all__ = ["BusyTimes", "CalendarBackend", "CalendarError", "SessionEvent", "get_calendar_backend"]


# One instance per backend name and process (Google's keeps credentials and a free/busy
# cache). Tests put a backend wired to a fake HTTP layer here with monkeypatch.setitem.
instances: dict[str, CalendarBackend] = {}


def get_calendar_backend() -> CalendarBackend:
    name = settings.CALENDAR_BACKEND
    if name not in instances:
        if name not in BACKENDS:
            known = ", ".join(sorted(BACKENDS))
            raise ImproperlyConfigured(f"CALENDAR_BACKEND={name!r} is not one of: {known}.")
        instances[name] = import_string(BACKENDS[name])()
    return instances[name]
