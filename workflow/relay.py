"""The relay: work that was committed but never queued (the broker was down), or whose
worker died mid-task, is queued again. Beat runs it every minute.

Each task it queues is safe to run twice (sends claim their text, planning runs
once per booking, a confirmation's follow-up is claimed by its booking, a press is decided
once (its outcome is stored), calendar
writes use stable event ids), so queueing something that is in fact still in the
broker costs nothing but a skipped run.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from bookings.failures import inbound_email_read_failed
from bookings.intake import inbound_email_process
from bookings.models import Booking, InboundEmail
from bookings.presses import presses_pending
from bookings.tasks import (
    book_inbound_email,
    decide_offer_presses,
    send_booking_confirmation,
    start_booking,
    sync_booking_calendars,
)
from core.queueing import queue_now
from messaging.models import Message
from messaging.tasks import send_message


@dataclass(frozen=True)
class Relayed:
    texts: int
    bookings_to_plan: int
    calendars_to_sync: int
    emails_read: int = 0
    confirmations: int = 0
    emails_to_book: int = 0
    presses: int = 0  # bookings whose YES/NO presses were queued again for a decision


def relay_stranded_work(*, now: dt.datetime | None = None) -> Relayed:
    now = now or timezone.now()
    quiet_since = now - dt.timedelta(seconds=settings.RELAY_AFTER_SECONDS)
    # Due texts only (not claimed, not held, next try not in the future): queueing one in its
    # backoff would start a try the row says is not due. A held text is queued by nobody else.
    texts = Message.objects.ready_to_send(now).filter(Q(created_at__lt=quiet_since) | Q(send_after__isnull=False))
    # Read as an order, booking not made: the broker was down at the webhook's commit, or making it
    # raised (each failure is counted on the email; after WORK_MAX_FAILURES it is failed, the manager told).
    unbooked = InboundEmail.objects.filter(
        status=InboundEmail.Status.PARSED,
        booking__isnull=True,
        received_at__lt=quiet_since,
        read_failures__lt=settings.WORK_MAX_FAILURES,
    )
    unplanned = Booking.objects.filter(
        status=Booking.Status.OFFERING, planned_at__isnull=True, created_at__lt=quiet_since
    )
    unsynced = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        calendar_sync=Booking.CalendarSync.PENDING,
        calendar_sync_queued_at__lt=quiet_since,
    )
    # Confirmed, but the follow-up never ran (the broker was down at the commit, or it kept raising:
    # each failure is counted on the booking, and after WORK_MAX_FAILURES the manager has been told).
    unconfirmed = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        confirmation_sent_at__isnull=True,
        confirmed_at__lt=quiet_since,
        confirmation_failures__lt=settings.WORK_MAX_FAILURES,
    )
    emails_to_book = _queue(book_inbound_email, unbooked)  # before reading: those read now queue their own
    return Relayed(
        texts=_queue(send_message, texts),
        bookings_to_plan=_queue(start_booking, unplanned),
        calendars_to_sync=_queue(sync_booking_calendars, unsynced),
        emails_read=_read_stored_emails(quiet_since),
        confirmations=_queue(send_booking_confirmation, unconfirmed),
        emails_to_book=emails_to_book,
        presses=_queue_presses(quiet_since),
    )


def _queue_presses(quiet_since: dt.datetime) -> int:
    """Presses stored but not decided (the broker was down, or the decision raised: each failure is
    counted on the offer, and after WORK_MAX_FAILURES it is set aside and the manager told): one task
    per booking, named by one of its pressed offers' tokens, decides all of that booking's."""
    stranded = presses_pending().filter(pressed_at__lt=quiet_since).order_by("pressed_at", "pk")
    tokens = dict(stranded.values_list("booking_id", "token")[:1000])
    return sum(queue_now(decide_offer_presses, token) for token in tokens.values())


def _read_stored_emails(quiet_since: dt.datetime) -> int:
    """Emails stored but never read (the database went away mid-request): read them now.

    Zapier may have retried meanwhile; the dedupe key makes the retry and this
    one the same booking, whichever is read first. An order read here has its booking
    queued on the commit, as the webhook's is.
    """
    stranded = InboundEmail.objects.filter(status=InboundEmail.Status.RECEIVED, received_at__lt=quiet_since)
    emails = list(stranded.order_by("pk")[:100])
    for email in emails:
        try:
            inbound_email_process(inbound_email=email)
        except Exception as error:  # one email that always raises must not block the rest
            inbound_email_read_failed(inbound_email_id=email.pk, error=error, now=timezone.now())
    return len(emails)


def _queue(task, rows) -> int:
    return sum(queue_now(task, pk) for pk in rows.values_list("pk", flat=True)[:1000])
