"""Google Calendar through a service account: free/busy for planning, one event per session.

What the Google side needs (the README has the steps):
- a Google Cloud project with the Google Calendar API enabled, and a service account
  with a JSON key (GOOGLE_SERVICE_ACCOUNT_FILE, or its text in GOOGLE_SERVICE_ACCOUNT_JSON);
- either each calendar shared with the service account's email ("See all event details"
  is enough for free/busy, "Make changes to events" to write sessions), or, in Google
  Workspace, domain-wide delegation of the scope https://www.googleapis.com/auth/calendar
  to the service account's client id, with GOOGLE_DELEGATED_USER naming the user it acts as.
Google lets a service account invite attendees only with domain-wide delegation; without
it an event is written without invitations (see `write_event`).

Retries belong to the callers (Celery tasks): every request here is tried once, and a
failure says through `CalendarError.permanent` whether another try can help.
"""

import base64
import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

import httplib2
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from google.auth.exceptions import RefreshError, TransportError
from google.oauth2 import service_account
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from scheduling.intervals import Interval

from .base import BusyTimes, CalendarBackend, CalendarError, SessionEvent

logger = logging.getLogger(__name__)

SCOPES = ("https://www.googleapis.com/auth/calendar",)
FREEBUSY_BATCH_SIZE = 50  # Google's limit on calendars per freeBusy query
# What a failed request raises: Google's answer, a token Google would not issue, or no
# answer at all (socket errors are OSError; httplib2 and google-auth wrap some of them).
GOOGLE_FAILURES = (HttpError, RefreshError, TransportError, httplib2.HttpLib2Error, OSError)
# A 403 is usually a refusal, but Google also answers 403 when a rate limit is hit.
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"})
SERVICE_ACCOUNT_CANNOT_INVITE = "forbiddenForServiceAccounts"


class GoogleCalendar(CalendarBackend):
    """Google Calendar as a calendar backend.

    Cheap to construct and offline until first used: settings are read and the service
    is built on the first call. `http` (an httplib2.Http-like object) replaces the
    authorised connection; tests pass googleapiclient's HttpMockSequence there.
    """

    def __init__(self, *, http: object | None = None) -> None:
        self._http = http
        self._per_thread = threading.local()
        self._credentials_lock = threading.Lock()
        self._credentials: service_account.Credentials | None = None
        self._free_busy = FreeBusyCache()

    def busy(self, calendar_ids: Sequence[str], span: Interval) -> BusyTimes:
        """Busy times per calendar; None for a calendar Google could not answer for.

        Never raises for Google's failures: an unknown calendar is what planning expects
        and handles. A missing key still raises ImproperlyConfigured, which no retry fixes.
        """
        answers: BusyTimes = {}
        to_ask = []
        for calendar_id in dict.fromkeys(calendar_ids):
            cached = self._free_busy.get(calendar_id, span)
            if cached is MISSING:
                to_ask.append(calendar_id)
            else:
                answers[calendar_id] = cast("list[Interval] | None", cached)
        for batch in _batches(to_ask, FREEBUSY_BATCH_SIZE):
            fresh = self._query_free_busy(batch, span)
            self._free_busy.store(fresh, span)
            answers.update(fresh)
        return answers

    def write_event(self, event: SessionEvent) -> None:
        """Create or overwrite the session's event; safe to repeat.

        Google refuses invitations from a service account without domain-wide delegation;
        the session still belongs on the calendar, so it is then written without them
        (the description lists who plays).
        """
        body = event_body(event)
        with self._forgetting(event.calendar_id), _as_calendar_error(event.calendar_id):
            try:
                self._insert_or_update(event.calendar_id, body)
            except HttpError as error:
                if "attendees" not in body or SERVICE_ACCOUNT_CANNOT_INVITE not in _reasons(error):
                    raise
                logger.warning("Google refused invitations on %s: %s", event.calendar_id, error.reason)
                del body["attendees"]
                self._insert_or_update(event.calendar_id, body)

    def cancel_event(self, *, uid: str, calendar_id: str) -> None:
        """Delete the session's event and tell its attendees; an event already gone is fine."""
        with self._forgetting(calendar_id), _as_calendar_error(calendar_id):
            request = (
                self._service().events().delete(calendarId=calendar_id, eventId=google_event_id(uid), sendUpdates="all")
            )
            try:
                request.execute()
            except HttpError as error:
                if error.status_code not in (404, 410):
                    raise

    @contextmanager
    def _forgetting(self, calendar_id: str) -> Iterator[None]:
        """The calendar's cached free/busy is dropped once the change is done, or failed."""
        try:
            yield
        finally:
            self._free_busy.forget(calendar_id)

    def _insert_or_update(self, calendar_id: str, body: dict[str, Any]) -> None:
        """Insert under the derived id; 409 means the id is taken by an earlier attempt or
        a cancelled copy of this session, so overwrite that one (status confirmed revives it)."""
        send_updates = "all" if "attendees" in body else "none"
        events = self._service().events()
        try:
            events.insert(calendarId=calendar_id, body=body, sendUpdates=send_updates).execute()
        except HttpError as error:
            if error.status_code != 409:
                raise
            events.update(calendarId=calendar_id, eventId=body["id"], body=body, sendUpdates=send_updates).execute()

    def _query_free_busy(self, calendar_ids: list[str], span: Interval) -> BusyTimes:
        query = {
            "timeMin": rfc3339(span.start),
            "timeMax": rfc3339(span.end),
            "items": [{"id": calendar_id} for calendar_id in calendar_ids],
        }
        try:
            response = self._service().freebusy().query(body=query).execute()
        except GOOGLE_FAILURES as error:
            logger.warning("Google free/busy failed for %d calendars: %s", len(calendar_ids), error)
            return dict.fromkeys(calendar_ids)
        calendars = response.get("calendars", {})
        return {calendar_id: _busy_times(calendar_id, calendars.get(calendar_id)) for calendar_id in calendar_ids}

    def _service(self) -> Any:
        """The Calendar service of this thread: httplib2 connections must not be shared
        between threads, and one backend serves the whole process."""
        service = getattr(self._per_thread, "service", None)
        if service is None:
            service = self._per_thread.service = self._build_service()
        return service

    def _build_service(self) -> Any:
        # The discovery document ships with the library: building makes no request.
        if self._http is not None:
            return build("calendar", "v3", http=self._http, cache_discovery=False)
        return build("calendar", "v3", credentials=self._service_account(), cache_discovery=False)

    def _service_account(self) -> service_account.Credentials:
        with self._credentials_lock:
            if self._credentials is None:
                self._credentials = service_account_credentials()
            return self._credentials


# How long "Google could not say" is kept: long enough that the dashboard's live refresh
# (every 3 s) does not ask again on every poll, short enough that a calendar back from an
# outage is read again within the minute. Never longer than GOOGLE_FREEBUSY_CACHE_SECONDS.
UNKNOWN_CACHE_SECONDS = 15.0
MISSING = object()  # FreeBusyCache.get: no fresh entry (None is a cached "unknown")


class FreeBusyCache:
    """Recent answers per (calendar, span), so planning a booking, its sweep and every poll
    of its page ask Google once: the span is the booking's session or its windows.

    An unknown calendar (None) is kept too, but only UNKNOWN_CACHE_SECONDS. Writing or
    cancelling an event on a calendar forgets its entries (our own change is seen at once);
    a change made in Google by someone else shows when the entry ages out. Age is measured
    on the monotonic clock and checked against GOOGLE_FREEBUSY_CACHE_SECONDS when read.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, Interval], tuple[float, tuple[Interval, ...] | None]] = {}

    def get(self, calendar_id: str, span: Interval) -> list[Interval] | object | None:
        """The busy times (a new list each time: a caller cannot change the cache), None for
        a calendar Google could not say about just now, or MISSING."""
        with self._lock:
            entry = self._entries.get((calendar_id, span))
        if entry is None or not self._is_fresh(entry, time.monotonic()):
            return MISSING
        return None if entry[1] is None else list(entry[1])

    def store(self, answers: BusyTimes, span: Interval) -> None:
        now = time.monotonic()
        with self._lock:
            self._entries = {key: entry for key, entry in self._entries.items() if self._is_fresh(entry, now)}
            for calendar_id, busy in answers.items():
                self._entries[(calendar_id, span)] = (now, None if busy is None else tuple(busy))

    def forget(self, calendar_id: str) -> None:
        with self._lock:
            self._entries = {key: entry for key, entry in self._entries.items() if key[0] != calendar_id}

    @staticmethod
    def _is_fresh(entry: tuple[float, tuple[Interval, ...] | None], now: float) -> bool:
        allowed = settings.GOOGLE_FREEBUSY_CACHE_SECONDS
        if entry[1] is None:
            allowed = min(allowed, UNKNOWN_CACHE_SECONDS)
        return now - entry[0] < allowed


def service_account_credentials() -> service_account.Credentials:
    """The service account from settings, acting as GOOGLE_DELEGATED_USER when set.

    Offline: the first request fetches the access token.
    """
    credentials = _service_account_key()
    delegated_user = settings.GOOGLE_DELEGATED_USER
    return credentials.with_subject(delegated_user) if delegated_user else credentials


def _service_account_key() -> service_account.Credentials:
    # The JSON text wins: a platform with only environment variables sets it on purpose.
    if settings.GOOGLE_SERVICE_ACCOUNT_JSON:
        try:
            info = json.loads(settings.GOOGLE_SERVICE_ACCOUNT_JSON)
            return service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
        except ValueError as error:
            raise ImproperlyConfigured(f"GOOGLE_SERVICE_ACCOUNT_JSON is not a service account key: {error}") from error
    if settings.GOOGLE_SERVICE_ACCOUNT_FILE:
        path = settings.GOOGLE_SERVICE_ACCOUNT_FILE
        try:
            return service_account.Credentials.from_service_account_file(path, scopes=SCOPES)
        except (OSError, ValueError) as error:
            raise ImproperlyConfigured(
                f"GOOGLE_SERVICE_ACCOUNT_FILE={path!r} is not a readable key: {error}"
            ) from error
    raise ImproperlyConfigured(
        "CALENDAR_BACKEND=google needs a service account key: set GOOGLE_SERVICE_ACCOUNT_FILE "
        "to the path of its JSON key file, or GOOGLE_SERVICE_ACCOUNT_JSON to the key's JSON text."
    )


def google_event_id(uid: str) -> str:
    """Google's id for the session `uid`: the same uid gives the same id, in every process.

    So a retried write meets the event an earlier attempt made (409) instead of adding a
    second one, and cancelling needs nothing stored. Google takes only base32hex
    (a-v, 0-9), 5 to 1024 characters: the SHA-256 of any uid is always 52 of them.
    """
    digest = hashlib.sha256(uid.encode()).digest()
    return base64.b32hexencode(digest).decode().rstrip("=").lower()


def event_body(event: SessionEvent) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": google_event_id(event.uid),
        "status": "confirmed",
        "summary": event.summary,
        "description": event.description,
        "location": event.location,
        "start": {"dateTime": rfc3339(event.interval.start)},
        "end": {"dateTime": rfc3339(event.interval.end)},
        "reminders": {"useDefault": True},
    }
    if event.attendees:
        body["attendees"] = [{"email": email} for email in event.attendees]
    return body


def rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _busy_times(calendar_id: str, entry: dict[str, Any] | None) -> list[Interval] | None:
    """One calendar of a freeBusy answer; errors (not shared, not found) make it unknown, not free."""
    if entry is None or entry.get("errors"):
        reasons = [error.get("reason") for error in (entry or {}).get("errors", [])]
        logger.warning("Google has no free/busy for %s: %s", calendar_id, reasons or "not in the answer")
        return None
    return [Interval(_parse_time(block["start"]), _parse_time(block["end"])) for block in entry.get("busy", [])]


def _parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC)


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@contextmanager
def _as_calendar_error(calendar_id: str) -> Iterator[None]:
    """Google's failures as CalendarError, so callers decide on a retry by `permanent` alone."""
    try:
        yield
    except GOOGLE_FAILURES as error:
        raise _calendar_error(error, calendar_id) from error


def _calendar_error(error: Exception, calendar_id: str) -> CalendarError:
    if isinstance(error, HttpError):
        reason = f"Google Calendar {calendar_id}: HTTP {error.status_code} {error.reason}"
        return CalendarError(reason, permanent=_is_permanent(error))
    if isinstance(error, RefreshError):
        # Revoked or invalid key, or delegation not granted; google-auth marks the
        # token endpoint's own outages as retryable.
        reason = f"Google refused the service account's token (calendar {calendar_id}): {error}"
        return CalendarError(reason, permanent=not error.retryable)
    return CalendarError(f"Google Calendar {calendar_id} unreachable: {error!r}", permanent=False)


def _is_permanent(error: HttpError) -> bool:
    """Whether the same request can only get the same answer (401, 403, 404, 400...)."""
    status = error.status_code
    if status in (408, 429) or status >= 500:
        return False
    return not (status == 403 and RATE_LIMIT_REASONS & _reasons(error))


def _reasons(error: HttpError) -> set[str]:
    """The `reason` of each error Google listed in the body, e.g. {"requiredAccessLevel"}."""
    try:
        listed = json.loads(error.content)["error"]["errors"]
        return {entry["reason"] for entry in listed if "reason" in entry}
    except (ValueError, KeyError, TypeError):
        return set()
