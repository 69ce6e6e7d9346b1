"""Intake: an order email from the webhook becomes a booking, exactly once.

The request is stored before it is read (`inbound_email_store`), so nothing
Zapier sends is ever lost, whatever happens next. Reading it
(`inbound_email_process`) claims the email's dedupe key in the same transaction
that makes the booking: twenty copies arriving at once queue on the unique
index, one makes the booking, the others become replays of it.
"""

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.links import admin_url
from core.queueing import queue_after_commit
from musicians.models import Instrument
from musicians.selectors import instrument_catalog
from scheduling.models import Studio
from scheduling.services import studio_get_or_create_default

from .models import Booking, InboundEmail, RequestedWindow, Seat
from .parsing import Envelope, EnvelopeError, OrderParseError, ParsedOrder, parse_order, read_envelope
from .texting import manager_alert

logger = logging.getLogger(__name__)

SECRET_HEADERS = frozenset({"authorization", "x-workflow-token", "cookie"})


@dataclass(frozen=True)
class IntakeOutcome:
    inbound_email: InboundEmail
    booking: Booking | None = None
    replay: bool = False
    malformed: bool = False
    errors: list[str] = field(default_factory=list)


def clean_text(value: str, max_length: int | None = None) -> str:
    """Text PostgreSQL will store: no NUL characters, no longer than the column."""
    value = value.replace("\x00", "")
    return value[:max_length] if max_length else value


def inbound_email_store(*, body: bytes, content_type: str, headers: dict[str, str]) -> InboundEmail:
    """Store the request as received, before anything reads it. Commits on its own."""
    kept = {clean_text(k, 200): clean_text(v, 2000) for k, v in headers.items() if k.lower() not in SECRET_HEADERS}
    return InboundEmail.objects.create(body=body, content_type=clean_text(content_type, 255), headers=kept)


def inbound_email_process(*, inbound_email: InboundEmail, now: dt.datetime | None = None) -> IntakeOutcome:
    """Read a stored email and make its booking, once.

    The email is read before the transaction opens (the parser is pure and its work is
    capped), so a slow or hostile body never holds a database lock.
    """
    now = now or timezone.now()
    try:
        envelope = read_envelope(bytes(inbound_email.body), inbound_email.content_type)
    except EnvelopeError as exc:
        return _reject_malformed(inbound_email, str(exc))
    studio = studio_get_or_create_default()
    reading = _read(envelope, studio, now)
    with transaction.atomic():
        if not _claim_dedupe_key(inbound_email, dedupe_key(envelope)):
            return _replay(inbound_email)
        _record_envelope(inbound_email, envelope)
        return _store_reading(inbound_email, envelope, studio, reading, alert=True)


def dedupe_key(envelope: Envelope) -> str:
    """The email's Message-ID, else a hash of who sent what."""
    if envelope.message_id.strip():
        return clean_text("mid:" + envelope.message_id.strip().strip("<>"), 255)
    content = "\x1f".join([envelope.sender, envelope.subject, envelope.body_plain, envelope.body_html])
    return "sha256:" + hashlib.sha256(content.encode("utf-8", "replace")).hexdigest()


def _claim_dedupe_key(inbound_email: InboundEmail, key: str) -> bool:
    try:
        with transaction.atomic():
            InboundEmail.objects.filter(pk=inbound_email.pk).update(dedupe_key=key)
    except IntegrityError:
        inbound_email.dedupe_key = key  # the first copy holds it; remember what we matched
        return False
    inbound_email.dedupe_key = key
    return True


def _reject_malformed(inbound_email: InboundEmail, reason: str) -> IntakeOutcome:
    inbound_email.status = InboundEmail.Status.MALFORMED
    inbound_email.errors = [clean_text(reason)]
    inbound_email.save(update_fields=["status", "errors"])
    return IntakeOutcome(inbound_email, malformed=True, errors=inbound_email.errors)


def _replay(inbound_email: InboundEmail) -> IntakeOutcome:
    """Answer a copy of an email already read exactly as the first copy was answered."""
    original = InboundEmail.objects.select_related("booking").get(dedupe_key=inbound_email.dedupe_key)
    InboundEmail.objects.filter(pk=inbound_email.pk).update(status=InboundEmail.Status.DUPLICATE, duplicate_of=original)
    booking = getattr(original, "booking", None)
    return IntakeOutcome(original, booking=booking, replay=True, errors=list(original.errors))


def _record_envelope(inbound_email: InboundEmail, envelope: Envelope) -> None:
    inbound_email.message_id = clean_text(envelope.message_id, 998)
    inbound_email.sender = clean_text(envelope.sender, 320)
    inbound_email.subject = clean_text(envelope.subject, 998)
    inbound_email.body_plain = clean_text(envelope.body_plain)
    inbound_email.body_html = clean_text(envelope.body_html)


def inbound_email_reparse_order(*, inbound_email: InboundEmail, now: dt.datetime | None = None) -> IntakeOutcome:
    """Read an unparseable email again, from the fields stored when it arrived.

    The manager asked for it, so a failure is shown to them, not texted.
    """
    envelope = Envelope(
        subject=inbound_email.subject,
        sender=inbound_email.sender,
        body_plain=inbound_email.body_plain,
        body_html=inbound_email.body_html,
        message_id=inbound_email.message_id,
    )
    studio = studio_get_or_create_default()
    reading = _read(envelope, studio, now or timezone.now())
    with transaction.atomic():
        locked = InboundEmail.objects.select_for_update().get(pk=inbound_email.pk)
        if locked.status != InboundEmail.Status.UNPARSEABLE:
            return IntakeOutcome(locked, booking=getattr(locked, "booking", None), replay=True)
        return _store_reading(locked, envelope, studio, reading, alert=False)


@dataclass(frozen=True)
class Reading:
    """What the parser made of an email: an order, or why not."""

    order: ParsedOrder | None
    errors: list[str] = field(default_factory=list)


def _read(envelope: Envelope, studio: Studio, now: dt.datetime) -> Reading:
    try:
        order = parse_order(
            subject=envelope.subject,
            body_plain=envelope.body_plain,
            body_html=envelope.body_html,
            now=now,
            default_zone=studio.time_zone,
            catalog=instrument_catalog(),
        )
    except OrderParseError as exc:
        return Reading(None, [clean_text(e, 1000) for e in exc.errors])
    return Reading(order)


def _store_reading(
    inbound_email: InboundEmail, envelope: Envelope, studio: Studio, reading: Reading, *, alert: bool
) -> IntakeOutcome:
    order = reading.order
    if order is None:
        return _reject_unparseable(inbound_email, studio, reading.errors, alert=alert)
    booking = booking_create_from_order(studio=studio, inbound_email=inbound_email, order=order, envelope=envelope)
    inbound_email.status = InboundEmail.Status.PARSED
    inbound_email.parse_result = _json_safe(order.as_json())
    inbound_email.save()
    return IntakeOutcome(inbound_email, booking=booking)


def _reject_unparseable(
    inbound_email: InboundEmail, studio: Studio, errors: list[str], *, alert: bool
) -> IntakeOutcome:
    inbound_email.status = InboundEmail.Status.UNPARSEABLE
    inbound_email.errors = errors
    inbound_email.save()
    if alert:
        manager_alert(studio=studio, body=_unparseable_alert(inbound_email))
    return IntakeOutcome(inbound_email, errors=errors)


def _unparseable_alert(inbound_email: InboundEmail) -> str:
    subject = inbound_email.subject[:40] or "(no subject)"
    more = f" (+{len(inbound_email.errors) - 1} more)" if len(inbound_email.errors) > 1 else ""
    first = inbound_email.errors[0][:100]
    url = admin_url("bookings_inboundemail_change", inbound_email.pk)
    return f'Workflow could not read order email "{subject}": {first}{more} See {url}'


def booking_create_from_order(
    *, studio: Studio, inbound_email: InboundEmail | None, order: ParsedOrder, envelope: Envelope
) -> Booking:
    """Make the booking, its requested windows and one seat per instrument wanted."""
    booking = Booking.objects.create(
        studio=studio,
        inbound_email=inbound_email,
        client_name=clean_text(order.client_name or envelope.sender_name or envelope.sender, 200),
        client_email=clean_text(order.client_email or envelope.sender, 254),
        song_title=clean_text(order.song_title, 300),
        mp3_url=clean_text(order.mp3_url, 1000),
        video_url=clean_text(order.video_url, 1000),
        other_links=[clean_text(link, 1000) for link in order.other_links],
        notes=clean_text(order.notes),
        time_zone=order.time_zone,
        session_minutes=order.session_minutes,
    )
    RequestedWindow.objects.bulk_create(
        RequestedWindow(
            booking=booking,
            starts_at=w.starts_at,
            ends_at=w.ends_at,
            source_line=clean_text(w.source_line, 500),
        )
        for w in order.windows
    )
    instruments = Instrument.objects.in_bulk([s.instrument_slug for s in order.seats], field_name="slug")
    Seat.objects.bulk_create(
        Seat(booking=booking, instrument=instruments[wanted.instrument_slug], number=number)
        for wanted in order.seats
        for number in range(1, wanted.count + 1)
    )
    _start_engine_on_commit(booking)
    return booking


def _start_engine_on_commit(booking: Booking) -> None:

    queue_after_commit("bookings.tasks.start_booking", booking.pk)


def _json_safe(value: object) -> object:
    """PostgreSQL's jsonb refuses NUL characters; strip them anywhere in the tree."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value
