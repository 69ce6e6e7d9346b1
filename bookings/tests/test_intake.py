"""bookings.intake on the webhook's hot path: what one email costs the database.

The counts are pinned so a per-seat or per-time query (or a lookup that creeps back per
request) fails here, not under Zapier's bursts. In a test the transaction is a savepoint
inside the test's own, so BEGIN/COMMIT are counted as SAVEPOINT/RELEASE: the same number.
"""

import json

import pytest
import time_machine

from bookings.intake import inbound_email_process, inbound_email_store
from bookings.models import Booking, InboundEmail, RequestedWindow, Seat
from musicians.models import Instrument, InstrumentAlias
from scheduling.services import studio_get_or_create_default

NOW = "2026-11-21 12:00:00+00:00"

# The stored body, the studio, the catalog (one query with its aliases), then one transaction:
# the claim with the reading, the booking, its times, its seats.
NEW_BOOKING_QUERIES = 9
# The stored body, the studio, the catalog, the claim that fails and its rollback, then the
# first copy read and this one marked as its duplicate. (Here the rollback is to a savepoint,
# which is then released: one more than the single ROLLBACK outside a test.)
REPLAY_QUERIES = 9

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
    return inbound_email_store(body=body, content_type="application/json", headers={})


TWO_SEATS = "drums, bass guitar"
SIX_SEATS = "drums, bass guitar, keys, 3 violins"


@pytest.mark.parametrize(
    ("instruments", "days", "seats"),
    [(TWO_SEATS, 2, 2), (SIX_SEATS, 2, 6), (TWO_SEATS, 10, 2), (SIX_SEATS, 10, 6)],
)
def test_it_makes_a_booking_in_the_same_queries_whatever_its_seats_and_times(
    instruments, days, seats, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued, django_assert_num_queries(NEW_BOOKING_QUERIES):
        outcome = inbound_email_process(inbound_email=stored(order_email(instruments=instruments, days=days)))

    booking = Booking.objects.get()
    assert outcome.booking == booking
    assert Seat.objects.filter(booking=booking).count() == seats
    assert RequestedWindow.objects.filter(booking=booking).count() == days
    assert len(queued) == 1  # planning, once, after the commit


def test_a_replay_costs_a_fixed_few_queries_and_makes_nothing(django_assert_num_queries):
    first = inbound_email_process(inbound_email=stored(order_email(instruments=SIX_SEATS, days=10)))

    with django_assert_num_queries(REPLAY_QUERIES):
        again = inbound_email_process(inbound_email=stored(order_email(instruments=SIX_SEATS, days=10)))

    assert again.replay
    assert again.booking == first.booking
    assert Booking.objects.count() == 1
    copy = InboundEmail.objects.order_by("pk").last()
    assert copy.status == InboundEmail.Status.DUPLICATE
    assert copy.duplicate_of == first.inbound_email


def test_it_records_the_reading_with_the_claim():
    outcome = inbound_email_process(inbound_email=stored(order_email(instruments=TWO_SEATS, days=2)))

    email = InboundEmail.objects.get(pk=outcome.inbound_email.pk)
    assert email.status == InboundEmail.Status.PARSED
    assert email.dedupe_key == "mid:order-1@custom-tracks.example"
    assert email.sender == "orders@custom-tracks.example"
    assert email.subject == "New order"
    assert "Instruments: drums, bass guitar" in email.body_plain
    assert email.parse_result is not None
    assert email.parse_result["session_minutes"] == 60
    assert email.body == order_email(instruments=TWO_SEATS, days=2)  # the stored body is left as it came


def test_an_alias_added_since_the_last_email_is_read_at_once():
    """The catalog is read per email (not cached), so the manager's new alias works on the next order."""
    InstrumentAlias.objects.create(instrument=Instrument.objects.get(slug="drums"), alias="traps")

    outcome = inbound_email_process(inbound_email=stored(order_email(instruments="traps, bass guitar", days=2)))

    assert outcome.booking is not None
    assert sorted(s.instrument.slug for s in outcome.booking.seats.all()) == ["drums", "electric-bass"]


# Who the client is when the order itself gives no email


def order_from(**envelope: object) -> Booking:
    body = json.loads(order_email(instruments=TWO_SEATS, days=2, message_id=f"<{sorted(envelope.items())!r}@x>"))
    body.pop("from")
    body["body_plain"] = body["body_plain"].replace("Client name: Jane Doe\n", "")
    outcome = inbound_email_process(inbound_email=stored(json.dumps(body | envelope).encode()))
    assert outcome.booking is not None
    return outcome.booking


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
