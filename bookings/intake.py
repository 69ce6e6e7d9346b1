"""Intake: an order email from the webhook becomes a booking, exactly once.

An order the parser refuses, or one taken by phone, is completed by the manager on the
board's order form and made by `booking_create_by_hand`: the same checks the parser
applies, the same `booking_create_from_order`, so the engine starts the same way.

The webhook's email is read in memory first (the parser is pure and its work is capped)
and stored with its reading in one insert (`inbound_email_receive`), which also takes its
dedupe key: twenty copies arriving at once queue on the unique index, one wins, the
others are stored as replays of it. Nothing acts on an email before it is stored, and
the webhook answers only after the insert, so every email Zapier was answered for is
kept. A reading that raises (a bug, or Redis away) stores the body bare, as received,
and the relay reads it again later (`inbound_email_process`, which claims the key with
the reading in one update). The winner's booking is made by a worker
(`inbound_email_book`, queued on the insert's commit, which also starts planning), from
the reading stored on the email's row. The relay queues it again for an email read but
never booked (the broker was down), and failures are counted on the email's row
(bookings.failures).

It is the webhook's hot path, and its queries are pinned (bookings/tests/test_intake.py):
a new email costs one statement whatever its seats and times, and the worker's booking
a fixed few.
"""

import datetime as dt
import hashlib
import logging
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.links import absolute_url
from core.queueing import queue_after_commit
from core.stamped import StampedCache
from musicians.catalog import InstrumentCatalog
from musicians.models import Instrument
from musicians.selectors import InstrumentRoster, instrument_catalog, instrument_roster
from scheduling.models import Studio
from scheduling.services import studio_get_or_create_default

from .failures import inbound_email_read_failed
from .history import booking_log
from .models import Booking, BookingEvent, InboundEmail, RequestedWindow, Seat
from .parsing import (
    LONGEST_SESSION,
    MAX_PER_INSTRUMENT,
    MAX_SEATS,
    MAX_SESSIONS,
    MAX_WINDOWS,
    SHORTEST_SESSION,
    Envelope,
    EnvelopeError,
    OrderDraft,
    OrderParseError,
    ParsedOrder,
    parse_order,
    read_envelope,
    read_order_draft,
)
from .parsing.senders import is_person
from .texting import manager_alert
from .texts import client_words

logger = logging.getLogger(__name__)

SECRET_HEADERS = frozenset({"authorization", "x-workflow-token", "cookie"})


@dataclass(frozen=True)
class IntakeOutcome:
    """What reading an email came to. `booking` is None for a new order (a worker makes it) and
    for an unreadable email (`errors` say why); a replay carries its first copy's booking, if made."""

    inbound_email: InboundEmail
    booking: Booking | None = None
    replay: bool = False
    malformed: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def is_order(self) -> bool:
        """An order was read from it (now or by its first copy): its booking is made, or being made."""
        return self.inbound_email.parse_result is not None


@dataclass(frozen=True)
class IntakeReference:
    """What every email is read with: the zone its times are in unless it says, and the catalog."""

    time_zone: str
    roster: InstrumentRoster


def _reference_read() -> IntakeReference:
    return IntakeReference(studio_get_or_create_default().time_zone, instrument_roster())


# Kept per process, read again after any change to a studio, an instrument or an alias, in any
# process (core.stamped; the signals are connected in apps.py). Shared: read it, never change it.
reference_cache = StampedCache("intake-reference", _reference_read)


def clean_text(value: str, max_length: int | None = None) -> str:
    """Text PostgreSQL will store: no NUL characters, no longer than the column."""
    value = value.replace("\x00", "")
    return value[:max_length] if max_length else value


def inbound_email_store(*, body: bytes, content_type: str, headers: dict[str, str]) -> InboundEmail:
    """Store the request as received, unread: kept for the relay (`inbound_email_process`) when reading it,
    or storing what was read, raised. Commits on its own."""
    return InboundEmail.objects.create(body=body, **_request_fields(content_type, headers))


def inbound_email_receive(
    *, body: bytes, content_type: str, headers: dict[str, str], now: dt.datetime | None = None
) -> IntakeOutcome:
    """The webhook's email: read in memory, then stored with its reading and its dedupe key in one
    insert; for an order, its booking (`inbound_email_book`) is queued on the commit.

    A copy of an email already stored is stored as its replay (`duplicate_of`). A body that is not
    an email is stored as malformed. A reading that raises, or that the database refuses, stores
    the body bare, as received, and raises again: the relay reads it later.
    """
    row = InboundEmail(body=body, **_request_fields(content_type, headers))
    try:
        envelope = read_envelope(body, content_type)
        key, reading, fields = _reading_of(envelope, now or timezone.now())
    except EnvelopeError as exc:
        row.status, row.errors = InboundEmail.Status.MALFORMED, [clean_text(str(exc))]
        row.save(force_insert=True)
        return IntakeOutcome(row, malformed=True, errors=row.errors)
    except Exception:
        inbound_email_store(body=body, content_type=content_type, headers=headers)  # kept for the relay
        raise
    for name, value in {"dedupe_key": key, **fields}.items():
        setattr(row, name, value)
    try:
        original = _insert_claiming(row)
    except DatabaseError:  # a reading the database refuses: a bug, not the email
        inbound_email_store(body=body, content_type=content_type, headers=headers)
        raise
    if original is not None:
        return _replay_stored(row, original)
    return _read_and_claimed(row, reading)


def _request_fields(content_type: str, headers: dict[str, str]) -> dict[str, object]:
    kept = {clean_text(k, 200): clean_text(v, 2000) for k, v in headers.items() if k.lower() not in SECRET_HEADERS}
    return {"content_type": clean_text(content_type, 255), "headers": kept}


def _reading_of(envelope: Envelope, now: dt.datetime) -> tuple[str, "Reading", dict[str, object]]:
    """The email's dedupe key, its reading and the row's fields that record both (no query while the
    studio's zone and the catalog this process keeps are current: `reference_cache`)."""
    reference = reference_cache.get()
    reading = _read(envelope, reference.time_zone, now, reference.roster.catalog)
    return dedupe_key(envelope), reading, {**_envelope_fields(envelope), **_reading_fields(reading, envelope)}


def _read_and_claimed(inbound_email: InboundEmail, reading: "Reading") -> IntakeOutcome:
    """An email stored with its reading and its key: the manager told of an unreadable one, an
    order's booking queued on the commit."""
    if reading.order is None:
        manager_alert(studio=studio_get_or_create_default(), body=_unparseable_alert(inbound_email))
    else:
        queue_after_commit("bookings.tasks.book_inbound_email", inbound_email.pk)  # the claim is committed
    return IntakeOutcome(inbound_email, errors=reading.errors)


def inbound_email_process(*, inbound_email: InboundEmail, now: dt.datetime | None = None) -> IntakeOutcome:
    """Read an email stored unread (the relay's) and claim it; for an order, queue its booking on the commit.

    The email is read before it is claimed (the parser is pure and its work is capped), so
    a slow or hostile body never holds a database lock.
    """
    try:
        envelope = read_envelope(bytes(inbound_email.body), inbound_email.content_type)
    except EnvelopeError as exc:
        return _reject_malformed(inbound_email, str(exc))
    key, reading, fields = _reading_of(envelope, now or timezone.now())
    if not _claim_with_reading(inbound_email, key, fields):
        inbound_email.dedupe_key = key  # the first copy holds it; remember what we matched
        return _replay(inbound_email)
    return _read_and_claimed(inbound_email, reading)


def inbound_email_book(*, inbound_email_id: int) -> int | None:
    """Make the booking of an email read as an order, from the reading stored on its row; its id.

    Safe to run twice, and at once: the email's row is locked, and a booking already made
    from it (the booking's one-to-one link) is the answer. None for an email that is not
    an order waiting for its booking. Does not start planning: the caller does, in the same
    task (bookings.tasks.book_inbound_email). A run that raises is rolled back, counted on
    the email and raised again; the relay tries it again until WORK_MAX_FAILURES.
    """
    try:
        return _book(inbound_email_id)
    except Exception as error:
        inbound_email_read_failed(inbound_email_id=inbound_email_id, error=error, now=timezone.now())
        raise


def _book(inbound_email_id: int) -> int | None:
    with transaction.atomic():
        email = (
            InboundEmail.objects.select_for_update(of=("self",)).select_related("booking").filter(pk=inbound_email_id)
        ).first()
        made = getattr(email, "booking", None)
        if made is not None:
            return made.pk
        if email is None or email.status != InboundEmail.Status.PARSED or email.parse_result is None:
            return None
        reading = email.parse_result
        contact = reading.get("contact") or {}
        booking = _booking_rows_create(
            studio=studio_get_or_create_default(),
            inbound_email=email,
            order=ParsedOrder.from_json(reading),
            contact=(contact.get("name", ""), contact.get("email", "")),
            instrument_ids=reference_cache.get().roster.ids,
        )
        return booking.pk


def dedupe_key(envelope: Envelope) -> str:
    """The email's Message-ID, else a hash of who sent what."""
    if envelope.message_id.strip():
        return clean_text("mid:" + envelope.message_id.strip().strip("<>"), 255)
    content = "\x1f".join([envelope.sender, envelope.subject, envelope.body_plain, envelope.body_html])
    return "sha256:" + hashlib.sha256(content.encode("utf-8", "replace")).hexdigest()


def _claim_with_reading(inbound_email: InboundEmail, key: str, reading: dict[str, object]) -> bool:
    """Take the dedupe key and write what was read, in one statement; False if a copy holds the key.

    Outside a transaction (the webhook, the relay) the statement is its own transaction:
    one round trip, no BEGIN or COMMIT. A copy's UPDATE waits on the unique index until the
    first copy's commits, then fails. Inside a caller's transaction (a test's) it takes a
    savepoint, so that failure rolls back only itself.
    """
    fields = {"dedupe_key": key, **reading}
    try:
        with transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext():
            InboundEmail.objects.filter(pk=inbound_email.pk).update(**fields)
    except IntegrityError:
        return False
    for name, value in fields.items():
        setattr(inbound_email, name, value)
    return True


def _insert_claiming(row: InboundEmail) -> InboundEmail | None:
    """Insert the email with its dedupe key; if a copy holds the key, nothing is written and that
    first copy is the answer (with its booking, if made).

    Its own transaction outside one (the webhook): one round trip. A copy's INSERT waits on the
    unique index until the first copy's commits, then fails. Inside a caller's transaction it
    takes a savepoint, so that failure rolls back only itself.
    """
    try:
        with transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext():
            row.save(force_insert=True)
    except IntegrityError:
        original = InboundEmail.objects.select_related("booking").filter(dedupe_key=row.dedupe_key).first()
        if original is None:
            raise  # not the key: a fault the caller must see
        return original
    return None


def _replay_stored(row: InboundEmail, original: InboundEmail) -> IntakeOutcome:
    """Store a copy of an email already stored as its replay, and answer as its first copy was answered."""
    row.dedupe_key, row.status, row.duplicate_of = None, InboundEmail.Status.DUPLICATE, original
    row.parse_result, row.errors = None, []
    row.save(force_insert=True)
    return _answered_as(original)


def _reject_malformed(inbound_email: InboundEmail, reason: str) -> IntakeOutcome:
    inbound_email.status = InboundEmail.Status.MALFORMED
    inbound_email.errors = [clean_text(reason)]
    inbound_email.save(update_fields=["status", "errors"])
    return IntakeOutcome(inbound_email, malformed=True, errors=inbound_email.errors)


def _replay(inbound_email: InboundEmail) -> IntakeOutcome:
    """Answer a copy of an email already read as the first copy was answered, with its booking once made."""
    original = InboundEmail.objects.select_related("booking").get(dedupe_key=inbound_email.dedupe_key)
    InboundEmail.objects.filter(pk=inbound_email.pk).update(status=InboundEmail.Status.DUPLICATE, duplicate_of=original)
    return _answered_as(original)


def _answered_as(original: InboundEmail) -> IntakeOutcome:
    """A replay's answer: its first copy's, with that copy's booking once made."""
    booking = getattr(original, "booking", None)
    return IntakeOutcome(original, booking=booking, replay=True, errors=list(original.errors))


def _envelope_fields(envelope: Envelope) -> dict[str, object]:
    return {
        "message_id": clean_text(envelope.message_id, 998),
        "sender": clean_text(envelope.sender, 320),
        "subject": clean_text(envelope.subject, 998),
        "body_plain": clean_text(envelope.body_plain),
        "body_html": clean_text(envelope.body_html),
    }


def _stored_envelope(inbound_email: InboundEmail) -> Envelope:
    """The email as read when it arrived: its stored body read again (so Reply-To and the
    sender's name are there too), else the fields stored then."""
    try:
        return read_envelope(bytes(inbound_email.body), inbound_email.content_type)
    except EnvelopeError:
        pass
    return Envelope(
        subject=inbound_email.subject,
        sender=inbound_email.sender,
        body_plain=inbound_email.body_plain,
        body_html=inbound_email.body_html,
        message_id=inbound_email.message_id,
    )


def inbound_email_reparse_order(*, inbound_email: InboundEmail, now: dt.datetime | None = None) -> IntakeOutcome:
    """Read an unparseable email again, from the fields stored when it arrived.

    The manager asked for it, so a failure is shown to them, not texted.
    """
    envelope = _stored_envelope(inbound_email)
    studio = studio_get_or_create_default()
    reading = _read(envelope, studio.time_zone, now or timezone.now(), instrument_catalog())
    with transaction.atomic():
        locked = InboundEmail.objects.select_for_update().get(pk=inbound_email.pk)
        if locked.status != InboundEmail.Status.UNPARSEABLE:
            return IntakeOutcome(locked, booking=getattr(locked, "booking", None), replay=True)
        fields = _reading_fields(reading, envelope)
        InboundEmail.objects.filter(pk=locked.pk).update(**fields)
        for name, value in fields.items():
            setattr(locked, name, value)
        if reading.order is None:
            return IntakeOutcome(locked, errors=reading.errors)
        booking = booking_create_from_order(studio=studio, inbound_email=locked, order=reading.order, envelope=envelope)
        return IntakeOutcome(locked, booking=booking)


@dataclass(frozen=True)
class Reading:
    """What the parser made of an email: an order, or why not."""

    order: ParsedOrder | None
    errors: list[str] = field(default_factory=list)


def _read(envelope: Envelope, default_zone: str, now: dt.datetime, catalog: InstrumentCatalog) -> Reading:
    try:
        order = parse_order(
            subject=envelope.subject,
            body_plain=envelope.body_plain,
            body_html=envelope.body_html,
            now=now,
            default_zone=default_zone,
            catalog=catalog,
        )
    except OrderParseError as exc:
        return Reading(None, [clean_text(e, 1000) for e in exc.errors])
    return Reading(order)


def _reading_fields(reading: Reading, envelope: Envelope) -> dict[str, object]:
    """What the email row records of its reading: parsed with the order (and who wrote in, for an
    order that does not say: all the worker needs to make the booking), or unparseable with why."""
    if reading.order is None:
        return {"status": InboundEmail.Status.UNPARSEABLE, "errors": reading.errors}
    name, email = envelope_contact(envelope)
    stored = {**reading.order.as_json(), "contact": {"name": name, "email": email}}
    return {"status": InboundEmail.Status.PARSED, "parse_result": _json_safe(stored)}


def _unparseable_alert(inbound_email: InboundEmail) -> str:
    subject = client_words(inbound_email.subject, 40) or "(no subject)"  # the client wrote these
    more = f" (+{len(inbound_email.errors) - 1} more)" if len(inbound_email.errors) > 1 else ""
    first = client_words(inbound_email.errors[0], 100)
    # The board's order form, prefilled with what was read: Dane completes it there.
    url = absolute_url(reverse("dashboard-order-new") + f"?email={inbound_email.pk}")
    return f'Workflow could not read order email "{subject}": {first}{more} See {url}'


def envelope_contact(envelope: Envelope) -> tuple[str, str]:
    """Who wrote in, for an order that does not say: the Reply-To a form sets, else the sender,
    but never a robot's or the studio's own address; ("", "") when nobody is left."""
    for address, name in ((envelope.reply_to, envelope.reply_to_name), (envelope.sender, envelope.sender_name)):
        if is_person(address):
            return name or address, address
    return "", ""


def booking_create_from_order(
    *, studio: Studio, inbound_email: InboundEmail | None, order: ParsedOrder, envelope: Envelope
) -> Booking:
    """Make the booking (`_booking_rows_create`) and start planning it once the transaction commits."""
    booking = _booking_rows_create(
        studio=studio, inbound_email=inbound_email, order=order, contact=envelope_contact(envelope)
    )
    _start_engine_on_commit(booking)
    return booking


def _booking_rows_create(
    *,
    studio: Studio,
    inbound_email: InboundEmail | None,
    order: ParsedOrder,
    contact: tuple[str, str],
    instrument_ids: dict[str, int] | None = None,
) -> Booking:
    """The booking, its requested windows and one seat per instrument wanted: three inserts.

    `contact` (name, email) is who wrote in, for an order that does not say (`envelope_contact`).
    `instrument_ids` (slug to id, from `instrument_roster`) saves looking the instruments up again;
    a slug missing from it is looked up.
    """
    contact_name, contact_email = contact
    booking = Booking.objects.create(
        studio=studio,
        inbound_email=inbound_email,
        client_name=clean_text(order.client_name or contact_name, 200),
        client_email=clean_text(order.client_email or contact_email, 254),
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
    Seat.objects.bulk_create(
        Seat(booking=booking, instrument_id=instrument_id, number=number)
        for wanted, instrument_id in zip(order.seats, _instrument_ids(order, instrument_ids), strict=True)
        for number in range(1, wanted.count + 1)
    )
    return booking


def _instrument_ids(order: ParsedOrder, known: dict[str, int] | None) -> list[int]:
    """The id of each seat's instrument, in order; one query unless `known` has them all."""
    wanted = [seat.instrument_slug for seat in order.seats]
    if known is None or not set(wanted) <= known.keys():
        known = dict(Instrument.objects.filter(slug__in=wanted).values_list("slug", "pk"))
    missing = sorted(set(wanted) - known.keys())
    if missing:
        raise OrderRefused([f'"{slug}" is not an instrument on the roster any more.' for slug in missing])
    return [known[slug] for slug in wanted]


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


class OrderRefused(Exception):
    """An order typed by hand that cannot be booked; `errors` says why, a sentence each."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(" ".join(errors))


def inbound_email_draft(*, inbound_email: InboundEmail, now: dt.datetime | None = None) -> OrderDraft:
    """What the parser can read of a stored email, whole or not: the order form's first values."""
    studio = studio_get_or_create_default()
    envelope = _stored_envelope(inbound_email)
    return read_order_draft(
        subject=envelope.subject,
        body_plain=envelope.body_plain,
        body_html=envelope.body_html,
        now=now or timezone.now(),
        default_zone=studio.time_zone,
        catalog=instrument_catalog(),
    )


def booking_create_by_hand(
    *, order: ParsedOrder, actor: str, inbound_email_id: int | None = None, now: dt.datetime | None = None
) -> Booking:
    """Make the booking the manager typed in: from an email the parser refused, or from nothing
    (a phone order). Raises OrderRefused with every reason it cannot be booked.

    The email keeps its dedupe key, so a later Zapier retry of it is answered as a replay
    of this booking (200), as if the parser had read it.
    """
    now = now or timezone.now()
    problems = order_problems(order=order, now=now)
    if problems:
        raise OrderRefused(problems)
    studio = studio_get_or_create_default()
    with transaction.atomic():
        email = _email_to_complete(inbound_email_id) if inbound_email_id is not None else None
        envelope = _stored_envelope(email) if email else Envelope()
        booking = booking_create_from_order(studio=studio, inbound_email=email, order=order, envelope=envelope)
        if email is not None:
            email.status = InboundEmail.Status.PARSED
            email.parse_result = _json_safe({**order.as_json(), "made_by_hand": actor})
            email.save(update_fields=["status", "parse_result"])
        source = f" from email #{email.pk}" if email else ""
        # No kind of its own yet (that needs a migration): "reparsed" is the nearest, and the
        # summary says what happened.
        booking_log(booking, BookingEvent.Kind.REPARSED, f"Made by hand{source} by {actor}.", actor=actor, at=now)
    return booking


def _email_to_complete(inbound_email_id: int) -> InboundEmail:
    """The email, locked: the form, a second tab and "read it again" cannot all make its booking."""
    email = InboundEmail.objects.select_for_update().filter(pk=inbound_email_id).first()
    if email is None:
        raise OrderRefused([f"There is no email #{inbound_email_id}."])
    booking = Booking.objects.filter(inbound_email=email).only("pk").first()
    if booking is not None:
        raise OrderRefused([f"Email #{email.pk} already made booking #{booking.pk}."])
    if email.status not in (InboundEmail.Status.UNPARSEABLE, InboundEmail.Status.FAILED):
        raise OrderRefused(
            [f"Email #{email.pk} is {email.get_status_display().lower()}; only an unread order is completed by hand."]
        )
    return email


def order_problems(*, order: ParsedOrder, now: dt.datetime) -> list[str]:
    """Why an order typed by hand cannot be booked, with the limits the parser applies to emails."""
    problems = []
    if not (order.client_name or order.client_email).strip():
        problems.append("Who is the client? Give a name or an email.")
    problems += _seat_problems(order)
    problems += _window_problems(order, now)
    return problems


def _seat_problems(order: ParsedOrder) -> list[str]:
    total = sum(seat.count for seat in order.seats)
    if total < 1:
        return ["Ask for at least one musician."]
    problems = [
        f"{seat.instrument_slug}: between 1 and {MAX_PER_INSTRUMENT} players."
        for seat in order.seats
        if not 1 <= seat.count <= MAX_PER_INSTRUMENT
    ]
    if total > MAX_SEATS:
        problems.append(f"The order asks for {total} musicians; one order can seat at most {MAX_SEATS}.")
    wanted = {seat.instrument_slug for seat in order.seats}
    known = set(Instrument.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    problems += [f'"{slug}" is not an instrument on the roster.' for slug in sorted(wanted - known)]
    return problems


def _window_problems(order: ParsedOrder, now: dt.datetime) -> list[str]:
    windows, minutes = order.windows, order.session_minutes
    if not windows:
        return ["Give at least one time the client can do."]
    if len(windows) > MAX_WINDOWS:
        return [f"The order offers {len(windows)} times; one order can offer at most {MAX_WINDOWS}."]
    if minutes is not None and not SHORTEST_SESSION <= minutes <= LONGEST_SESSION:
        return ["The session length must be between 15 minutes and 12 hours."]
    problems = []
    for window in windows:
        if window.ends_at <= window.starts_at:
            problems.append(f'The time "{window.source_line}" ends before it starts.')
        elif window.starts_at < now:
            problems.append(f'The time "{window.source_line}" is in the past.')
        elif minutes and window.ends_at - window.starts_at < dt.timedelta(minutes=minutes):
            problems.append(f'The time "{window.source_line}" is shorter than the session.')
    if minutes and not problems:
        sessions = sum((w.ends_at - w.starts_at) // dt.timedelta(minutes=minutes) for w in windows)
        if sessions > MAX_SESSIONS:
            problems.append(f"The times hold {sessions} sessions; one order can offer at most {MAX_SESSIONS}.")
    return problems
