"""The board's order form: an email the parser refused, or a phone order, completed by hand
and booked through intake the way the webhook books one."""

import datetime as dt
import html
import json

import pytest
from celery import current_app as celery_app
from django.urls import reverse

from bookings.intake import OrderRefused, booking_create_by_hand
from bookings.models import Booking, InboundEmail, Offer
from bookings.parsing import OrderParseError, ParsedOrder, RequestedSeat, Window, parse_order, read_order_draft
from bookings.tests.factories import NOW
from messaging.models import Message
from musicians.selectors import instrument_catalog
from musicians.tests.factories import MusicianFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

AUTH = {"HTTP_AUTHORIZATION": "Bearer test-zapier-token"}
# No times the parser can use: the order is refused, but everything else reads.
UNREADABLE = """Client name: Jane Doe
Client email: jane@example.com
Song: Fly Me to the Moon
Instruments: drums, keys
Session length: 3 hours
Available times: whenever suits the band
MP3: https://example.com/guide.mp3
Notes: Swing feel.
"""
EMAIL = {
    "subject": "Order #77",
    "from": "orders@x.example",
    "body_plain": UNREADABLE,
    "body_html": "<table><tr><td>Song</td><td>Fly Me to the Moon</td></tr></table>",
    "message_id": "<order-77@x.example>",
}


@pytest.fixture
def band():
    return [MusicianFactory(name="Drew", plays=["drums"]), MusicianFactory(name="Kim", plays=["keyboard"])]


@pytest.fixture
def eager(monkeypatch):
    """Tasks queued on commit run in place, as the worker would run them."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


def post_email(client, payload=EMAIL):
    return client.post("/workflow/email", json.dumps(payload), content_type="application/json", **AUTH)


def unreadable_email(client) -> InboundEmail:
    assert post_email(client).status_code == 422
    return InboundEmail.objects.get()


def form_data(**changes) -> dict:
    data = {
        "client_name": "Jane Doe",
        "client_email": "jane@example.com",
        "song_title": "Fly Me to the Moon",
        "session_length": "3 hours",
        "mp3_url": "https://example.com/guide.mp3",
        "video_url": "",
        "other_links": "https://example.com/chart.pdf",
        "notes": "Swing feel.",
        "seat_drums": "1",
        "seat_keyboard": "1",
        "times-TOTAL_FORMS": "3",
        "times-INITIAL_FORMS": "0",
        "times-0-starts_at": "2026-12-05T14:00",
        "times-0-ends_at": "2026-12-05T17:00",
        "times-1-starts_at": "2026-12-06T10:00",
        "times-1-ends_at": "2026-12-06T13:00",
        "times-2-starts_at": "",
        "times-2-ends_at": "",
    }
    return data | changes


def order_url(email: InboundEmail | None = None) -> str:
    return reverse("dashboard-order-new") + (f"?email={email.pk}" if email else "")


def test_it_links_the_alert_to_the_order_form(client, admin_client):
    email = unreadable_email(client)

    alert = Message.objects.get(purpose=Message.Purpose.ALERT)

    assert f"https://studio.example/admin/board/orders/new?email={email.pk}" in alert.body


def test_it_prefills_the_form_with_what_was_read_beside_the_email(client, admin_client):
    email = unreadable_email(client)

    page = admin_client.get(order_url(email)).content.decode()

    assert 'value="Jane Doe"' in page and 'value="jane@example.com"' in page
    assert 'value="Fly Me to the Moon"' in page and 'value="3 hours"' in page
    assert 'name="seat_drums" value="1"' in page and 'name="seat_keyboard" value="1"' in page
    assert 'value="https://example.com/guide.mp3"' in page and "Swing feel." in page
    assert "Order #77" in page and "orders@x.example" in page  # the email as received
    assert "Available times: whenever suits the band" in page
    assert "Song\tFly Me to the Moon" in page or "Song Fly Me to the Moon" in page  # the HTML, as text
    assert "<q>Could not read a time on the line &quot;whenever suits the band&quot;.</q>" in page  # quoted
    assert 'type="datetime-local"' in page and "America/New_York" in page


def test_it_prefills_the_times_that_did_read_on_the_studios_clock(client, admin_client):
    body = UNREADABLE.replace("whenever suits the band", "December 5, 2026, 2-5pm").replace("keys", "banjo")
    assert post_email(client, EMAIL | {"body_plain": body}).status_code == 422
    email = InboundEmail.objects.get()

    page = admin_client.get(order_url(email)).content.decode()

    assert 'value="2026-12-05T14:00"' in page and 'value="2026-12-05T17:00"' in page
    assert 'name="seat_drums" value="1"' in page
    assert "banjo" in page  # the error says which instrument is unknown


def test_it_books_a_completed_email_like_the_webhook_would(
    client, admin_client, band, eager, outbox, django_capture_on_commit_callbacks
):
    email = unreadable_email(client)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(order_url(email), form_data())

    booking = Booking.objects.get()
    assert response.status_code == 302 and response.url == reverse("dashboard-booking", args=[booking.pk])
    email.refresh_from_db()
    assert booking.inbound_email == email and email.status == InboundEmail.Status.PARSED
    assert booking.client_name == "Jane Doe" and booking.session_minutes == 180
    assert booking.other_links == ["https://example.com/chart.pdf"]
    assert sorted(booking.seats.values_list("instrument__slug", flat=True)) == ["drums", "keyboard"]
    first = booking.requested_windows.first()
    assert first.starts_at == dt.datetime(2026, 12, 5, 19, tzinfo=dt.UTC)  # 2 PM EST
    assert booking.events.filter(summary=f"Made by hand from email #{email.pk} by admin.", actor="admin").exists()
    assert Offer.objects.filter(booking=booking).count() == 2  # the engine started, as from the webhook
    assert {text.to for text in outbox} >= {m.phone for m in band}


def test_it_answers_a_later_zapier_retry_of_that_email_as_a_replay_of_the_booking(client, admin_client, band):
    email = unreadable_email(client)
    admin_client.post(order_url(email), form_data())
    booking = Booking.objects.get()

    retry = post_email(client)

    assert retry.status_code == 200
    assert retry.json()["booking"] == booking.pk and retry.json()["replay"] is True
    assert Booking.objects.count() == 1


def test_it_completes_an_email_whose_booking_kept_failing(client, admin_client, band):
    readable = EMAIL | {"body_plain": UNREADABLE.replace("whenever suits the band", "December 5, 2026, 2-5pm ET")}
    assert post_email(client, readable).status_code == 201
    email = InboundEmail.objects.get()
    InboundEmail.objects.filter(pk=email.pk).update(status=InboundEmail.Status.FAILED, read_failures=3)  # gave up

    response = admin_client.post(order_url(email), form_data())

    booking = Booking.objects.get()
    assert response.status_code == 302 and booking.inbound_email == email
    email.refresh_from_db()
    assert email.status == InboundEmail.Status.PARSED


def test_it_makes_a_phone_order_from_nothing(admin_client, band):
    response = admin_client.post(order_url(), form_data())

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert booking.inbound_email is None and booking.time_zone == "America/New_York"
    assert booking.requested_windows.first().source_line == "Sat Dec 5, 2:00-5:00 PM EST"
    assert booking.events.filter(summary="Made by hand by admin.").exists()


def test_it_refuses_a_second_booking_from_the_same_email(client, admin_client, band):
    email = unreadable_email(client)
    admin_client.post(order_url(email), form_data())
    booking = Booking.objects.get()

    again = admin_client.post(order_url(email), form_data())  # a second tab
    with pytest.raises(OrderRefused) as refused:  # the form and "read it again" at the same moment
        booking_create_by_hand(order=order(), actor="dane", inbound_email_id=email.pk)

    assert again.url == reverse("dashboard-booking", args=[booking.pk])
    assert refused.value.errors == [f"Email #{email.pk} already made booking #{booking.pk}."]
    assert Booking.objects.count() == 1


def test_it_sends_an_old_alerts_link_to_the_booking_already_made(client, admin_client, band):
    email = unreadable_email(client)
    admin_client.post(order_url(email), form_data())

    response = admin_client.get(order_url(email))

    assert response.url == reverse("dashboard-booking", args=[Booking.objects.get().pk])


def test_it_answers_404_for_an_email_that_does_not_exist(admin_client):
    assert admin_client.get(reverse("dashboard-order-new") + "?email=999999").status_code == 404
    assert admin_client.get(reverse("dashboard-order-new") + "?email=x").status_code == 404


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"times-0-starts_at": "2026-11-20T14:00", "times-0-ends_at": "2026-11-20T17:00"}, "is in the past"),
        ({"seat_drums": "0", "seat_keyboard": ""}, "Ask for at least one musician."),
        ({"seat_drums": "20", "seat_keyboard": "1"}, "one order can seat at most 20"),
        ({"seat_drums": "21"}, "less than or equal to 20"),
        ({"times-0-ends_at": ""}, "Give both the start and the end"),
        ({"times-0-ends_at": "2026-12-05T13:00"}, "The end must come after the start."),
        ({"times-0-ends_at": "2026-12-05T15:00"}, "is shorter than the session"),
        ({"session_length": "a while"}, "could not be read"),
        ({"client_name": ""}, "This field is required."),
        ({"other_links": "https://example.com/a\nnot a link"}, '"not a link" is not a link'),
        # 2:30 AM does not exist in New York on March 14, 2027: the clocks go forward.
        ({"times-0-starts_at": "2027-03-14T02:30", "times-0-ends_at": "2027-03-14T06:00"}, "may not exist"),
    ],
)
def test_it_refuses_an_order_it_cannot_book_and_says_why(admin_client, band, changes, reason):
    page = admin_client.post(order_url(), form_data(**changes)).content.decode()

    assert reason in html.unescape(page)
    assert not Booking.objects.exists()


def test_it_caps_the_times_at_the_parsers_limit(admin_client, band):
    rows = {f"times-{n}-starts_at": f"2026-12-{5 + n // 10:02d}T{8 + n % 10:02d}:00" for n in range(51)}
    rows |= {f"times-{n}-ends_at": f"2026-12-{5 + n // 10:02d}T{9 + n % 10:02d}:00" for n in range(51)}

    page = admin_client.post(order_url(), form_data(session_length="", **{"times-TOTAL_FORMS": "51"}, **rows))

    assert "Please submit at most 50 forms." in page.content.decode()
    assert not Booking.objects.exists()


def test_it_reads_times_on_the_studios_clock_in_summer_and_winter(admin_client, band):
    admin_client.post(
        order_url(),
        form_data(**{
            "times-0-starts_at": "2027-07-10T14:00", "times-0-ends_at": "2027-07-10T17:00",
            "times-1-starts_at": "2027-01-09T14:00", "times-1-ends_at": "2027-01-09T17:00",
        }),
    )  # fmt: skip

    starts = list(Booking.objects.get().requested_windows.values_list("starts_at", flat=True))
    assert starts == [dt.datetime(2027, 1, 9, 19, tzinfo=dt.UTC), dt.datetime(2027, 7, 10, 18, tzinfo=dt.UTC)]


def order(**changes) -> ParsedOrder:
    start = dt.datetime(2026, 12, 5, 19, tzinfo=dt.UTC)
    fields = {
        "client_name": "Jane", "client_email": "", "song_title": "", "session_minutes": None,
        "seats": (RequestedSeat("drums", 1),), "windows": (Window(start, start + dt.timedelta(hours=3), "Sat"),),
        "time_zone": "America/New_York", "mp3_url": "", "video_url": "", "other_links": (), "notes": "",
        "warnings": (),
    }  # fmt: skip
    return ParsedOrder(**(fields | changes))


def test_it_refuses_an_instrument_the_roster_does_not_know():
    with pytest.raises(OrderRefused) as refused:
        booking_create_by_hand(order=order(seats=(RequestedSeat("banjo", 1),)), actor="dane")

    assert refused.value.errors == ['"banjo" is not an instrument on the roster.']


def test_it_refuses_more_sessions_than_an_email_may_offer():
    start = dt.datetime(2026, 12, 5, 0, tzinfo=dt.UTC)
    long_days = tuple(
        Window(start + dt.timedelta(days=n), start + dt.timedelta(days=n, hours=12), "") for n in range(20)
    )

    with pytest.raises(OrderRefused) as refused:
        booking_create_by_hand(order=order(windows=long_days, session_minutes=60), actor="dane")

    assert refused.value.errors == ["The times hold 240 sessions; one order can offer at most 200."]


def test_it_reads_a_draft_of_a_refused_email_without_changing_parse_order():
    arguments = {
        "subject": "Order", "body_plain": UNREADABLE, "body_html": "", "now": NOW,
        "default_zone": "America/New_York", "catalog": instrument_catalog(),
    }  # fmt: skip

    draft = read_order_draft(**arguments)

    assert draft.order.client_name == "Jane Doe" and draft.order.session_minutes == 180
    assert [seat.instrument_slug for seat in draft.order.seats] == ["drums", "keyboard"]
    assert draft.errors == ('Could not read a time on the line "whenever suits the band".',)
    with pytest.raises(OrderParseError) as raised:
        parse_order(**arguments)
    assert tuple(raised.value.errors) == draft.errors
