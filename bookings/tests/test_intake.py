"""bookings.intake on the webhook's hot path: what one email costs the database.

The counts are pinned so a per-seat or per-time query (or a lookup that creeps back per
request) fails here, not under Zapier's bursts. In a test every transaction is a savepoint
inside the test's own, so BEGIN/COMMIT are counted as SAVEPOINT/RELEASE: the same number.
The webhook's claim is one statement in autocommit outside a test; inside the test's
transaction it takes a savepoint of its own, which costs two statements more here.
"""

import json

import pytest
import time_machine

from bookings.intake import (
    inbound_email_book,
    inbound_email_process,
    inbound_email_receive,
    inbound_email_store,
    reference_cache,
)
from bookings.models import Booking, InboundEmail, RequestedWindow, Seat
from bookings.parsing import ParsedOrder
from bookings.tasks import book_inbound_email
from musicians.models import Instrument, InstrumentAlias
from scheduling.services import studio_get_or_create_default

NOW = "2026-11-21 12:00:00+00:00"

# The webhook: the email read in memory, then stored with its reading and its key in one INSERT (here
# inside a savepoint: SAVEPOINT, INSERT, RELEASE; outside a test the INSERT alone, see below). The
# studio's zone and the catalog are this process's (`reference_cache`): no query while nobody changed
# them. The booking is queued on the insert's commit.
NEW_EMAIL_QUERIES = 3
# The INSERT that fails on the key (SAVEPOINT, INSERT, ROLLBACK TO SAVEPOINT, RELEASE here; one failed
# INSERT outside a test), then the first copy read with its booking and this one stored as its duplicate.
REPLAY_QUERIES = 6
# The relay, for an email stored unread: the claim with the reading (SAVEPOINT, UPDATE, RELEASE here).
RELAY_QUERIES = 3
# The worker's booking, in one transaction: the email locked with its booking (none yet), the studio,
# then the booking, its times, its seats (the instruments' ids are the catalog's).
BOOKING_QUERIES = 7

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now", "studio")]


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def studio():
    """Made by the first email ever; every later one only reads it."""
    return studio_get_or_create_default()


def order_email(*, instruments: str, days: int, message_id: str = "<order-1@custom-tracks.example>") -> bytes:
    times = [f"- 12/{day}/2026 2:00 PM - 3:00 PM" for day in range(1, days + 1)]
    body = "\n".join(
        [
            "Client name: Jane Doe",
            "Song: Fly Me to the Moon",
            f"Instruments: {instruments}",
            "Session length: 1 hour",
            "Time zone: Eastern",
            "Available times:",
            *times,
        ]
    )
    email = {"subject": "New order", "from": "orders@custom-tracks.example", "body_plain": body}
    return json.dumps(email | {"message_id": message_id}).encode()


def stored(body: bytes) -> InboundEmail:
    """As the webhook stored an email before this round (and as the relay finds one the database lost)."""
    return inbound_email_store(body=body, content_type="application/json", headers={})


def received(body: bytes):
    """What the webhook does with the email."""
    return inbound_email_receive(body=body, content_type="application/json", headers={})


TWO_SEATS = "drums, bass guitar"
SIX_SEATS = "drums, bass guitar, keys, 3 violins"


@pytest.fixture
def warm():
    """The reference this process keeps, read once, as after the first email."""
    reference_cache.get()


@pytest.mark.parametrize(
    ("instruments", "days", "seats"),
    [(TWO_SEATS, 2, 2), (SIX_SEATS, 2, 6), (TWO_SEATS, 10, 2), (SIX_SEATS, 10, 6)],
)
def test_it_reads_an_email_and_makes_its_booking_in_the_same_queries_whatever_its_seats_and_times(
    instruments, days, seats, warm, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued, django_assert_num_queries(NEW_EMAIL_QUERIES):
        outcome = received(order_email(instruments=instruments, days=days))

    assert outcome.booking is None and outcome.is_order  # the worker makes it
    assert not Booking.objects.exists()
    assert len(queued) == 1  # the booking task, once, after the commit

    with django_capture_on_commit_callbacks() as planned, django_assert_num_queries(BOOKING_QUERIES):
        booking_id = inbound_email_book(inbound_email_id=outcome.inbound_email.pk)

    booking = Booking.objects.get()
    assert booking.pk == booking_id and booking.inbound_email == outcome.inbound_email
    assert Seat.objects.filter(booking=booking).count() == seats
    assert RequestedWindow.objects.filter(booking=booking).count() == days
    assert planned == []  # planning starts in the same task, not through another hop


def test_the_first_email_reads_the_studio_and_the_catalog_once(django_assert_num_queries):
    with django_assert_num_queries(NEW_EMAIL_QUERIES + 2):  # + the studio, + the catalog with its aliases
        received(order_email(instruments=TWO_SEATS, days=2))
    with django_assert_num_queries(NEW_EMAIL_QUERIES):
        received(order_email(instruments=TWO_SEATS, days=2, message_id="<2@x>"))


def test_a_replay_costs_a_fixed_few_queries_and_makes_nothing(warm, django_assert_num_queries):
    first = received(order_email(instruments=SIX_SEATS, days=10))
    inbound_email_book(inbound_email_id=first.inbound_email.pk)

    with django_assert_num_queries(REPLAY_QUERIES):
        again = received(order_email(instruments=SIX_SEATS, days=10))

    assert again.replay
    assert again.booking == Booking.objects.get()
    copy = InboundEmail.objects.order_by("pk").last()
    assert copy.status == InboundEmail.Status.DUPLICATE
    assert copy.duplicate_of == first.inbound_email


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_new_email_is_one_insert_and_a_replay_a_failed_insert_then_two(
    seeded_instruments, warm, django_assert_num_queries
):
    """As the webhook runs it: autocommit, each statement its own transaction."""
    with django_assert_num_queries(1) as new:
        first = received(order_email(instruments=SIX_SEATS, days=10))
    with django_assert_num_queries(3) as replay:
        again = received(order_email(instruments=SIX_SEATS, days=10))

    [insert] = [q["sql"] for q in new.captured_queries]
    assert insert.startswith('INSERT INTO "bookings_inboundemail"') and "dedupe_key" in insert
    kinds = [q["sql"].split()[0] for q in replay.captured_queries]
    assert kinds == ["INSERT", "SELECT", "INSERT"]  # the key taken; the first copy; this copy as its duplicate
    assert first.is_order and again.replay and again.inbound_email == first.inbound_email
    assert InboundEmail.objects.filter(status=InboundEmail.Status.DUPLICATE).count() == 1


def test_a_reading_that_raises_stores_the_body_bare_for_the_relay_and_raises(warm, monkeypatch):
    """A bug in the reading (or Redis away while the catalog's stamp is read) loses nothing."""
    from bookings import intake

    def broken(*args, **kwargs):
        raise RecursionError("a bug the email trips")

    monkeypatch.setattr(intake, "parse_order", broken)
    body = order_email(instruments=TWO_SEATS, days=2)

    with pytest.raises(RecursionError):
        received(body)

    email = InboundEmail.objects.get()
    assert (email.status, email.dedupe_key, email.parse_result) == (InboundEmail.Status.RECEIVED, None, None)
    assert bytes(email.body) == body

    monkeypatch.undo()  # fixed; the relay reads it, as the webhook would have
    outcome = inbound_email_process(inbound_email=email)
    assert outcome.is_order and not outcome.replay
    assert received(body).replay  # and Zapier's retry is its replay


def test_a_reading_the_database_refuses_stores_the_body_bare_for_the_relay_and_raises(warm, monkeypatch):
    from django.db import DataError

    from bookings import intake

    real = intake._reading_fields
    monkeypatch.setattr(intake, "_reading_fields", lambda *a: {**real(*a), "status": "x" * 40})  # a bug: too long
    body = order_email(instruments=TWO_SEATS, days=2)

    with pytest.raises(DataError):
        received(body)

    email = InboundEmail.objects.get()
    assert (email.status, email.dedupe_key, bytes(email.body)) == (InboundEmail.Status.RECEIVED, None, body)


def test_a_body_that_is_not_an_email_is_stored_malformed_in_one_insert(django_assert_num_queries):
    with django_assert_num_queries(1):
        outcome = received(b"{not json")

    email = InboundEmail.objects.get()
    assert outcome.malformed and email.status == InboundEmail.Status.MALFORMED and email.errors == outcome.errors
    assert bytes(email.body) == b"{not json"


def test_an_email_stored_unread_is_read_and_claimed_by_the_relay_in_one_update(warm, django_assert_num_queries):
    email = stored(order_email(instruments=SIX_SEATS, days=10))

    with django_assert_num_queries(RELAY_QUERIES):
        outcome = inbound_email_process(inbound_email=email)

    email.refresh_from_db()
    assert outcome.is_order and email.status == InboundEmail.Status.PARSED
    assert email.dedupe_key == "mid:order-1@custom-tracks.example"
    copy = inbound_email_process(inbound_email=stored(order_email(instruments=SIX_SEATS, days=10)))
    assert copy.replay and copy.inbound_email == email


def test_a_replay_before_the_booking_is_made_is_a_replay_of_the_email():
    first = received(order_email(instruments=TWO_SEATS, days=2))

    again = received(order_email(instruments=TWO_SEATS, days=2))

    assert again.replay and again.is_order and again.booking is None
    assert again.inbound_email == first.inbound_email


def test_it_records_the_reading_with_the_claim():
    outcome = received(order_email(instruments=TWO_SEATS, days=2))

    email = InboundEmail.objects.get(pk=outcome.inbound_email.pk)
    assert email.status == InboundEmail.Status.PARSED
    assert email.dedupe_key == "mid:order-1@custom-tracks.example"
    assert email.sender == "orders@custom-tracks.example"
    assert email.subject == "New order"
    assert "Instruments: drums, bass guitar" in email.body_plain
    assert email.parse_result is not None
    assert email.parse_result["session_minutes"] == 60
    assert email.body == order_email(instruments=TWO_SEATS, days=2)  # the stored body is left as it came


def test_the_stored_reading_is_the_order_exactly_with_its_times_in_utc():
    from bookings.parsing import parse_order
    from musicians.selectors import instrument_catalog

    outcome = received(order_email(instruments=SIX_SEATS, days=3))
    email = InboundEmail.objects.get(pk=outcome.inbound_email.pk)  # as the worker reads it back
    body = json.loads(order_email(instruments=SIX_SEATS, days=3))["body_plain"]
    read_now = parse_order(
        subject="New order", body_plain=body, body_html="", now=email.received_at,
        default_zone="America/New_York", catalog=instrument_catalog(),
    )  # fmt: skip

    reading = email.parse_result
    assert reading is not None
    assert ParsedOrder.from_json(reading) == read_now
    assert reading["windows"][0]["starts_at"] == "2026-12-01T19:00:00+00:00"  # 2 PM Eastern
    sender = "orders@custom-tracks.example"  # who wrote in, for an order that names nobody
    assert reading["contact"] == {"name": sender, "email": sender}


def test_making_the_booking_twice_makes_one():
    outcome = received(order_email(instruments=TWO_SEATS, days=2))

    first = inbound_email_book(inbound_email_id=outcome.inbound_email.pk)
    again = inbound_email_book(inbound_email_id=outcome.inbound_email.pk)

    assert first == again == Booking.objects.get().pk
    assert Seat.objects.count() == 2


def test_the_task_makes_the_booking_and_plans_it_in_one_run(eager_tasks):
    outcome = received(order_email(instruments=TWO_SEATS, days=2))

    book_inbound_email.apply(args=[outcome.inbound_email.pk])

    assert Booking.objects.get().planned_at is not None


def test_an_alias_added_since_the_last_email_is_read_at_once(warm):
    """The catalog is kept per process, but any change to it is seen by the next email."""
    InstrumentAlias.objects.create(instrument=Instrument.objects.get(slug="drums"), alias="traps")

    outcome = received(order_email(instruments="traps, bass guitar", days=2))
    booking = Booking.objects.get(pk=inbound_email_book(inbound_email_id=outcome.inbound_email.pk))

    assert sorted(s.instrument.slug for s in booking.seats.all()) == ["drums", "electric-bass"]


def test_an_instrument_added_since_the_last_email_is_read_at_once(warm):
    Instrument.objects.create(name="Theremin", slug="theremin")

    outcome = received(order_email(instruments="theremin", days=2))
    booking = Booking.objects.get(pk=inbound_email_book(inbound_email_id=outcome.inbound_email.pk))

    assert [s.instrument.slug for s in booking.seats.all()] == ["theremin"]


def test_a_change_to_the_studio_zone_is_read_by_the_next_email(warm, studio):
    studio.time_zone = "America/Los_Angeles"
    studio.save()
    body = json.loads(order_email(instruments=TWO_SEATS, days=1))
    body["body_plain"] = body["body_plain"].replace("Time zone: Eastern\n", "")

    outcome = received(json.dumps(body).encode())

    reading = outcome.inbound_email.parse_result
    assert reading is not None and reading["windows"][0]["starts_at"] == "2026-12-01T22:00:00+00:00"  # 2 PM PST


def test_an_instrument_removed_before_the_worker_books_is_a_clear_error_counted_on_the_email(warm):
    theremin = Instrument.objects.create(name="Theremin", slug="theremin")
    outcome = received(order_email(instruments="theremin", days=2))
    theremin.delete()  # the manager tidied the roster in between

    with pytest.raises(Exception, match="not an instrument on the roster any more"):
        inbound_email_book(inbound_email_id=outcome.inbound_email.pk)

    email = InboundEmail.objects.get(pk=outcome.inbound_email.pk)
    assert email.read_failures == 1 and "theremin" in email.read_error
    assert not Booking.objects.exists()


# Who the client is when the order itself gives no email


def order_from(**envelope: object) -> Booking:
    body = json.loads(order_email(instruments=TWO_SEATS, days=2, message_id=f"<{sorted(envelope.items())!r}@x>"))
    body.pop("from")
    body["body_plain"] = body["body_plain"].replace("Client name: Jane Doe\n", "")
    outcome = received(json.dumps(body | envelope).encode())
    return Booking.objects.get(pk=inbound_email_book(inbound_email_id=outcome.inbound_email.pk))


@pytest.mark.parametrize(
    "sender",
    [
        "WPForms <noreply@custom-tracks.example>",
        "no-reply@custom-tracks.example",
        "WordPress <wordpress@custom-tracks.example>",
        "Squarespace <form-submission@squarespace.info>",
        "Jotform <noreply@jotform.com>",
        "Google Forms <forms-receipts-noreply@google.com>",
        "Zapier <robot@zapier.com>",
        "Studio <studio@localhost>",  # the studio's own address (DEFAULT_FROM_EMAIL)
    ],
)
def test_a_form_or_robot_sender_is_never_taken_for_the_client(sender):
    booking = order_from(**{"from": sender})

    assert booking.client_email == ""
    assert booking.client_name == ""


def test_the_reply_to_a_form_sets_is_the_client():
    booking = order_from(
        **{"from": "WPForms <noreply@custom-tracks.example>", "reply_to": "Jane Doe <jane@example.com>"}
    )

    assert (booking.client_email, booking.client_name) == ("jane@example.com", "Jane Doe")


def test_a_person_who_emailed_the_order_is_the_client():
    booking = order_from(**{"from": "Jane Doe <jane@example.com>"})

    assert (booking.client_email, booking.client_name) == ("jane@example.com", "Jane Doe")
