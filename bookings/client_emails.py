"""Emails to the booking's client: their session is booked (or cancelled by the studio).

One ClientEmail row per booking and kind claims the email, so it is sent once however
often a confirmation path runs. The row is written in the confirming transaction and
the send task is queued after it commits; the task claims the row (queued → sending),
sends through Django's EMAIL_BACKEND, and counts a failed try on the row, retried with
the texts' backoff up to CLIENT_EMAIL_MAX_RETRIES. No musician's phone number is in it.
Nothing goes to the client when a booking needs attention or the engine cancels it.
"""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from core.queueing import queue_after_commit, queue_now
from core.timefmt import format_session
from messaging.services import retry_delay

from .models import Booking, ClientEmail
from .texting import manager_alert
from .texts import client_email_cut_off_text

logger = logging.getLogger(__name__)

SUBJECTS = {
    ClientEmail.Kind.CONFIRMED: "Your session at {studio} is booked: {session}",
    ClientEmail.Kind.CANCELLED: "Your session at {studio} is cancelled: {session}",
}


def client_email_queue(*, booking: Booking, kind: str, now: dt.datetime) -> ClientEmail | None:
    """Write the client's email and send it after the commit; None without an address or if it exists."""
    time = booking.current_time
    if not booking.client_email or time is None:
        return None
    session = format_session(time.starts_at, time.ends_at, ZoneInfo(booking.time_zone or booking.studio.time_zone))
    context = {"booking": booking, "studio": booking.studio, "session": session, "instruments": _instruments(booking)}
    email, created = ClientEmail.objects.get_or_create(
        booking=booking,
        kind=kind,
        defaults={
            "to_email": booking.client_email,
            "subject": SUBJECTS[ClientEmail.Kind(kind)].format(studio=booking.studio.name, session=session)[:300],
            "body": render_to_string(f"emails/booking_{kind}.txt", context),
            "created_at": now,
            "next_try_at": now,
        },
    )
    if not created:
        return None
    queue_after_commit("bookings.musician_tasks.send_client_email", email.pk)
    return email


def _instruments(booking: Booking) -> list[str]:
    return [str(seat) for seat in booking.seats.select_related("instrument")]


def client_email_send(*, email_id: int, now: dt.datetime | None = None) -> float | None:
    """Send the email once; seconds until the next try after a failure, or None when done."""
    now = now or timezone.now()
    claimed = ClientEmail.objects.filter(pk=email_id, status=ClientEmail.Status.QUEUED)
    if not claimed.update(status=ClientEmail.Status.SENDING, sending_started_at=timezone.now()):
        return None  # sent already, being sent, or given up
    email = ClientEmail.objects.get(pk=email_id)
    try:
        EmailMessage(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to_email]).send()
    except Exception as error:  # SMTP and the providers raise many kinds; each counts as a failed try
        return _failed(email, error, now)
    ClientEmail.objects.filter(pk=email_id).update(
        status=ClientEmail.Status.SENT, sent_at=now, error="", next_try_at=None
    )
    return None


def _failed(email: ClientEmail, error: Exception, now: dt.datetime) -> float | None:
    attempts = email.attempts + 1
    gave_up = attempts > settings.CLIENT_EMAIL_MAX_RETRIES
    delay = retry_delay(email.attempts)
    ClientEmail.objects.filter(pk=email.pk).update(
        status=ClientEmail.Status.FAILED if gave_up else ClientEmail.Status.QUEUED,
        attempts=F("attempts") + 1,
        error=str(error)[:1000],
        next_try_at=None if gave_up else now + dt.timedelta(seconds=delay),
    )
    logger.warning("Email %s to the client of booking %s failed: %s", email.pk, email.booking_id, error)
    return None if gave_up else delay


RELAY_GRACE = dt.timedelta(minutes=1)


def client_emails_relay(*, now: dt.datetime | None = None) -> int:
    """Queue the emails committed but never queued (the broker was down) or whose retry was lost.

    A minute's grace after each is due, so the task's own retry goes first; the claim in
    client_email_send makes a second queueing harmless.
    """
    now = now or timezone.now()
    client_emails_cut_off(now=now)
    due = ClientEmail.objects.filter(status=ClientEmail.Status.QUEUED, next_try_at__lte=now - RELAY_GRACE)
    return sum(queue_now("bookings.musician_tasks.send_client_email", pk) for pk in due.values_list("pk", flat=True))


# Longer than a send task may run (CELERY_TASK_TIME_LIMIT, 5 minutes): a claim this old was
# left by a worker that died mid-send.
SENDING_LEASE = dt.timedelta(minutes=15)


def client_emails_cut_off(*, now: dt.datetime) -> int:
    """Emails whose send was cut off (the worker died holding the claim): maybe sent.

    They are not sent again, since the mail server may have taken them and a second
    confirmation is worse than asking; each is marked on the booking page and Dane
    is texted once to check with the client.
    """
    lapsed = ClientEmail.objects.filter(status=ClientEmail.Status.SENDING, sending_started_at__lte=now - SENDING_LEASE)
    marked = 0
    for email in lapsed.select_related("booking__studio"):
        changed = ClientEmail.objects.filter(pk=email.pk, status=ClientEmail.Status.SENDING).update(
            status=ClientEmail.Status.UNKNOWN, error="The send was cut off: it may or may not have gone."
        )
        if changed:  # one relay run marks it; only that one tells Dane
            marked += 1
            body = client_email_cut_off_text(email=email.to_email, kind=email.get_kind_display(), booking=email.booking)
            manager_alert(studio=email.booking.studio, body=body, booking=email.booking)
            logger.warning("Email %s to the client of booking %s may not have gone", email.pk, email.booking_id)
    return marked
