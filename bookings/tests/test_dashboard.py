"""The manager's dashboard: the board, one booking, its actions, in fixed queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.answers import Answer, offer_answer
from bookings.engine import booking_start
from bookings.models import Booking, BookingEvent, InboundEmail, Offer
from bookings.tests.factories import SAT_2PM, SUN_2PM, make_booking, text_about
from messaging.models import Message
from musicians.models import Musician
from musicians.tests.factories import MusicianFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def band():
    return {
        "drew": MusicianFactory(name="Drew", plays=["drums"]),
        "dana": MusicianFactory(name="Dana", plays=["drums"]),
        "kim": MusicianFactory(name="Kim", plays=["keyboard"]),
        "gone": MusicianFactory(name="Gone", plays=["drums"], is_active=False),
    }


def started(windows=(SAT_2PM,)) -> Booking:
    booking = make_booking(seats=["drums", "keyboard"], windows=list(windows))
    booking_start(booking_id=booking.pk)
    booking.refresh_from_db()
    return booking


def test_the_board_lists_open_bookings_first_with_seats_and_trouble(admin_client, band):
    confirmed = started()
    for offer in Offer.objects.filter(booking=confirmed):
        offer_answer(offer_id=offer.pk, answer=Answer.YES)
    offering = started(windows=(SUN_2PM,))
    Message.objects.filter(offer__booking=offering, musician=band["kim"]).update(
        status="failed", error="Invalid number"
    )

    page = admin_client.get(reverse("dashboard-board")).content.decode()

    assert page.index(f'data-booking="{offering.pk}"') < page.index(f'data-booking="{confirmed.pk}"')
    assert "1 text failed" in page
    assert "2 / 2" in page and "0 / 2" in page


def test_the_board_counts_failed_texts_of_both_kinds_and_each_bookings_times(admin_client, band):
    offering = started(windows=(SAT_2PM, SUN_2PM))
    Message.objects.filter(offer__booking=offering, musician=band["kim"]).update(status="failed")
    drew = band["drew"]
    text_about(offering, purpose="notice", to_phone=drew.phone, body="hi", musician=drew, status="failed")
    other = started()

    page = admin_client.get(reverse("dashboard-board")).content.decode()

    def row(booking: Booking) -> str:
        start = page.index(f'data-booking="{booking.pk}"')
        return page[start : page.index("</tr>", start)]

    assert "2 texts failed" in row(offering) and "<td>2</td>" in row(offering)  # two candidate times
    assert "failed" not in row(other) and "<td>1</td>" in row(other)


def test_the_board_row_escapes_what_clients_wrote_and_marks_paused_calendar_and_attention(admin_client, band):
    booking = started()
    reason = "Nobody left to ask <for drums> & " + "x" * 100
    Booking.objects.filter(pk=booking.pk).update(
        client_name="<b>Kim & Co</b>", song_title='"Loud" <i>', status=Booking.Status.NEEDS_ATTENTION,
        attention_reason=reason, escalation_paused=True, calendar_sync="failed",
    )  # fmt: skip

    page = admin_client.get(reverse("dashboard-board")).content.decode()

    start = page.index(f'data-booking="{booking.pk}"')
    row = page[start : page.index("</tr>", start)]
    link = reverse("dashboard-booking", args=[booking.pk])
    assert f'<td><a href="{link}">&lt;b&gt;Kim &amp; Co&lt;/b&gt;</a></td>' in row
    assert f'<a href="{link}">{booking.pk}</a>' in row
    assert "<td>&quot;Loud&quot; &lt;i&gt;</td>" in row
    assert '<span class="pill needs_attention">Needs attention</span> <span class="muted">(paused)</span>' in row
    assert '<span class="warn">calendar failed</span>' in row
    assert '<span class="warn">Nobody left to ask &lt;for drums&gt; &amp; ' + "x" * 46 + "…</span>" in row
    assert '<td><span class="muted">-</span></td>' in row  # no escalation while it needs attention


def board_queries(admin_client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(reverse("dashboard-board")).status_code == 200
    return len(queries)


def test_the_board_costs_the_same_queries_for_5_or_25_bookings(admin_client, band):
    for _ in range(5):
        started()
    few = board_queries(admin_client)
    for _ in range(20):
        started()

    assert board_queries(admin_client) == few


def test_a_booking_page_shows_the_plan_the_ranking_and_every_text(admin_client, band):
    booking = started()
    offer_answer(offer_id=Offer.objects.get(musician=band["dana"]).pk, answer=Answer.NO)  # Dana, Drew: by name

    page = admin_client.get(reverse("dashboard-booking", args=[booking.pk])).content.decode()

    assert "inside business hours" in page
    assert "Dana — never booked · <strong>Declined</strong>" in page
    assert "Drew — never booked · <strong>Open</strong>" in page
    assert "Gone" in page and "left out: inactive" in page
    assert "candidate time(s), 1 with a full band free." in page
    assert "Waiting for answers (seed policy): asked Kim, Drew at 7:00 AM EST" in page  # Drew after Dana's NO
    assert "the sweep looks again Sat Nov 21, 8:00 AM EST" in page


def booking_page_queries(admin_client, booking: Booking) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(reverse("dashboard-booking", args=[booking.pk])).status_code == 200
    return len(queries)


def test_a_booking_page_costs_the_same_queries_however_many_texts(admin_client, band):
    booking = started()
    few = booking_page_queries(admin_client, booking)
    for n in range(20):
        musician = MusicianFactory(name=f"Extra {n}", plays=["drums"])
        text_about(booking, purpose="notice", to_phone=musician.phone, body="hi", musician=musician)

    assert booking_page_queries(admin_client, booking) == few


def test_the_live_fragment_is_just_the_part_that_updates(admin_client, band):
    booking = started()

    fragment = admin_client.get(reverse("dashboard-booking", args=[booking.pk]), {"fragment": 1}).content.decode()

    assert "<html" not in fragment and 'id="booking-status"' in fragment


@pytest.mark.parametrize(
    ("action", "check"),
    [
        ("pause", lambda b: b.escalation_paused),
        ("escalate", lambda b: b.events.filter(kind="escalated").exists()),
        ("cancel", lambda b: b.status == Booking.Status.CANCELLED),
    ],
)
def test_each_action_does_its_work_and_leaves_a_line_in_the_history(admin_client, band, action, check):
    booking = started()

    response = admin_client.post(reverse("dashboard-action", args=[booking.pk, action]))

    assert response.status_code == 302
    booking.refresh_from_db()
    assert check(booking)
    assert BookingEvent.objects.filter(booking=booking, actor="admin").exists()


def test_resume_after_pause_and_a_refused_action_says_why(admin_client, band):
    booking = started()
    admin_client.post(reverse("dashboard-action", args=[booking.pk, "pause"]))
    again = admin_client.post(reverse("dashboard-action", args=[booking.pk, "pause"]), follow=True)
    assert "Escalation is already paused." in again.content.decode()

    admin_client.post(reverse("dashboard-action", args=[booking.pk, "resume"]))

    booking.refresh_from_db()
    assert not booking.escalation_paused


def test_assigning_by_hand_fills_the_seat_and_can_confirm(admin_client, band):
    booking = started()
    offer_answer(offer_id=Offer.objects.get(musician=band["kim"]).pk, answer=Answer.YES)
    drums = booking.seats.get(instrument__slug="drums")

    admin_client.post(
        reverse("dashboard-action", args=[booking.pk, "assign"]), {"seat": drums.pk, "musician": band["drew"].pk}
    )

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert Offer.objects.get(musician=band["dana"]).status == Offer.Status.VOIDED
    assert booking.events.filter(kind="assigned", actor="admin").exists()


def test_assign_by_hand_lists_the_textable_musicians_who_play_its_seats_by_name(admin_client, band):
    MusicianFactory(name="Bassist", plays=["electric-bass"])  # active, but plays none of its seats
    MusicianFactory(name="Dee & <Co>", plays=["drums"])
    booking = started()

    page = admin_client.get(reverse("dashboard-booking", args=[booking.pk])).content.decode()

    start = page.index('<select name="musician">')
    listed = page[start : page.index("</select>", start)]
    names = [option.split(">", 1)[1].split("<", 1)[0] for option in listed.split("<option")[1:]]
    assert names == ["Dana", "Dee &amp; &lt;Co&gt;", "Drew", "Kim"]  # not Gone (inactive), not the bassist
    assert f'value="{band["kim"].pk}"' in listed


def test_assigning_someone_who_does_not_play_it_is_refused(admin_client, band):
    booking = started()
    drums = booking.seats.get(instrument__slug="drums")

    page = admin_client.post(
        reverse("dashboard-action", args=[booking.pk, "assign"]), {"seat": drums.pk, "musician": band["kim"].pk},
        follow=True,
    ).content.decode()  # fmt: skip

    assert "Kim does not play drums." in page


def test_resending_a_failed_text_queues_a_new_one(admin_client, band):
    booking = started()
    failed = text_about(
        booking,
        purpose="notice",
        to_phone=band["kim"].phone,
        body="hi",
        musician=band["kim"],
        status="failed",
        error="503 <Service> & down",
    )

    page = admin_client.get(reverse("dashboard-booking", args=[booking.pk])).content.decode()
    row = page[page.index("<tr><td>", page.index('id="texts"')) :]
    row = row[: row.index("</tr>", row.index('title="503'))]
    assert (
        '<span class="warn" title="503 &lt;Service&gt; &amp; down">failed: 503 &lt;Service&gt; &amp; down</span>' in row
    )
    action = reverse("dashboard-action", args=[booking.pk, "resend"])
    assert (
        f'<form class="inline" method="post" action="{action}"><input type="hidden" name="csrfmiddlewaretoken"' in row
    )
    assert f'<input type="hidden" name="message" value="{failed.pk}"><button type="submit"' in row

    admin_client.post(reverse("dashboard-action", args=[booking.pk, "resend"]), {"message": failed.pk})

    assert Message.objects.filter(purpose="notice", body="hi", status="queued").count() == 1


def test_reading_an_email_again_after_fixing_the_roster(admin_client, band):
    import json

    body = "Client name: Jane\nInstruments: drums, banjo\nSession length: 3 hours\nTimes: December 5, 2026, 2-5pm\n"
    email = {"subject": "Order", "from": "a@b.example", "body_plain": body}
    admin_client.post("/workflow/email", json.dumps(email), content_type="application/json",
                      HTTP_AUTHORIZATION="Bearer test-zapier-token")  # fmt: skip
    stored = InboundEmail.objects.get()
    assert stored.status == InboundEmail.Status.UNPARSEABLE
    from musicians.models import Instrument

    Instrument.objects.create(name="Banjo", slug="banjo")
    Musician.objects.get(name="Dana").instruments.add(Instrument.objects.get(slug="banjo"))

    response = admin_client.post(reverse("dashboard-reparse", args=[stored.pk]))

    booking = Booking.objects.get()
    assert response.url == reverse("dashboard-booking", args=[booking.pk])
    assert booking.events.filter(kind="reparsed").exists()


def test_the_pages_cost_a_pinned_number_of_queries(admin_client, band):
    booking = started()

    # the session, the user, the bookings shown, their counts (one UNION ALL of grouped counts)
    assert board_queries(admin_client) == 4
    # the session, the user, 9 for the booking: itself (with whether it has replies from musicians and client
    # emails: it has neither, so neither is read); every offer of it (the ranking's answers, the timeline's
    # answers, the offers' texts, each with its text's time); the latest events and other texts, each with its
    # kind's count (one UNION ALL); its times; its seats with their fills at the current time (also the line-up);
    # the roster's three: holds elsewhere, the players with their weekly hours and blackouts and who is left out
    # (one UNION ALL), busy; the texts shown, by id. Was 18 with the offers at the current time, the offers' texts,
    # the other texts, left out, weekly hours, blackouts, the fills, replies and client emails apart; 19 with the
    # counts in a statement of their own; 24 before that: the booking read twice, its seats twice, the line-up's
    # fills again, events and answers apart and every active musician for "Assign by hand" (now the roster's
    # players). The same for 2,000 texts (see the test above); replies and client emails are a query each when
    # there are any (see the test below).
    assert booking_page_queries(admin_client, booking) == 11


def test_the_pages_frame_is_the_admins_own_sidebar_kept_from_one_page_to_the_next(admin_client, rf, band):
    from django.contrib import admin
    from django.contrib.admin import AdminSite
    from django.contrib.auth import get_user_model
    from django.template.loader import render_to_string

    booking = started()
    url = reverse("dashboard-booking", args=[booking.pk])
    request = rf.get(url)
    request.user = get_user_model().objects.get(username="admin")
    apps = AdminSite.get_app_list(admin.site, request)  # Django's own, built afresh
    context = {**admin.site.each_context(request), "available_apps": apps}
    own = render_to_string("admin/nav_sidebar.html", context, request)

    first, second = (admin_client.get(url).content.decode() for _ in range(2))

    assert len(apps) > 3 and sidebar(first) == sidebar(second) == own.strip()
    assert sidebar(admin_client.get(reverse("dashboard-board")).content.decode()) == own.strip()


def sidebar(page: str) -> str:
    start = page.index('<button class="sticky toggle-nav-sidebar"')
    return page[start : page.index("</nav>", start) + len("</nav>")]


def test_replies_from_musicians_and_client_emails_are_shown_read_only_when_there_are_any(admin_client, band):
    from django.utils import timezone

    from bookings.models import ClientEmail
    from messaging.replies import inbound_text_receive

    booking = started()
    none = booking_page_queries(admin_client, booking)
    inbound_text_receive(provider_id="in-1", from_phone=band["kim"].phone, text="Can I bring my own <rig>?", params={})
    a_reply = booking_page_queries(admin_client, booking)
    ClientEmail.objects.create(booking=booking, kind=ClientEmail.Kind.CANCELLED, to_email="jane@example.com",
                               subject="Cancelled", body="Sorry", created_at=timezone.now())  # fmt: skip

    page = admin_client.get(reverse("dashboard-booking", args=[booking.pk])).content.decode()

    replies = page[page.index('id="musician-replies"') : page.index("</ul>", page.index('id="musician-replies"'))]
    emails = page[page.index('id="client-emails"') : page.index("</ul>", page.index('id="client-emails"'))]
    assert "<strong>Kim</strong>: Can I bring my own &lt;rig&gt;?" in replies
    assert "Booking cancelled by the studio to jane@example.com: <strong>Queued</strong>" in emails
    assert (none, a_reply, booking_page_queries(admin_client, booking)) == (11, 12, 13)  # a read for each kind


def test_an_unreadable_email_page_offers_to_read_it_again(admin_client):
    import json

    admin_client.post("/workflow/email", json.dumps({"subject": "Hi", "body_plain": "hello"}),
                      content_type="application/json", HTTP_AUTHORIZATION="Bearer test-zapier-token")  # fmt: skip
    email = InboundEmail.objects.get()

    page = admin_client.get(reverse("admin:bookings_inboundemail_change", args=[email.pk])).content.decode()

    assert reverse("dashboard-reparse", args=[email.pk]) in page


def test_a_confirmed_booking_shows_who_is_booked_and_the_ranking_as_it_stood_when_offered(admin_client, band, clock):
    booking = started()
    clock.shift(dt.timedelta(days=3))  # confirmed days after it was offered
    for offer in Offer.objects.filter(booking=booking, status=Offer.Status.OPEN):
        offer_answer(offer_id=offer.pk, answer=Answer.YES)
    from bookings.calendar_sync import booking_calendar_sync

    booking_calendar_sync(booking_id=booking.pk)  # the band's own events are on their calendars now

    page = admin_client.get(reverse("dashboard-booking", args=[booking.pk])).content.decode()

    assert "busy in their calendar" not in page
    assert page.count("booked for this session") == 2
    assert "Drew — never booked" in page  # as he stood when the seats were offered


def texts_table(page: str) -> str:
    start = page.index('id="texts"')
    return page[start : page.index("</table>", start)]


def timeline_list(page: str) -> str:
    start = page.index('id="timeline"')
    return page[start : page.index("</ul>", start)]


def test_a_long_history_shows_the_latest_50_and_show_all_shows_every_text_and_entry(admin_client, band):
    booking = started()  # two offer texts and the planning events
    first = MusicianFactory(name="Earliest", plays=[])
    text_about(booking, purpose="notice", to_phone=first.phone, body="hi", musician=first)
    for _ in range(59):
        text_about(booking, purpose="notice", to_phone=band["kim"].phone, body="hi", musician=band["kim"])
    url = reverse("dashboard-booking", args=[booking.pk])
    entries = BookingEvent.objects.filter(booking=booking).count() + 62

    latest = admin_client.get(url).content.decode()
    whole = admin_client.get(url, {"all": 1}).content.decode()

    assert texts_table(latest).count("<tr><td>") == 50 and "Earliest" not in texts_table(latest)
    assert "The latest 50 of 62 texts" in latest and 'href="?all=1"' in latest
    assert timeline_list(latest).count("<li>") == 50 and f"The latest 50 of {entries} entries" in latest
    assert texts_table(whole).count("<tr><td>") == 62 and "Earliest" in texts_table(whole)
    assert timeline_list(whole).count("<li>") == entries and "Notice texted — Earliest" in timeline_list(whole)
    assert "All 62 texts" in whole and "show the latest only" in whole


def test_the_latest_50_are_the_tail_of_the_whole_history_in_the_same_order(admin_client, band):
    booking = started()
    for n in range(70):
        musician = band["kim"] if n % 2 else band["drew"]
        text_about(booking, purpose="notice", to_phone=musician.phone, body="hi", musician=musician)
    offer_answer(offer_id=Offer.objects.get(musician=band["dana"]).pk, answer=Answer.NO)  # an answer, an event
    url = reverse("dashboard-booking", args=[booking.pk])

    latest = admin_client.get(url).content.decode()
    whole = admin_client.get(url, {"all": 1}).content.decode()

    for part, row in [(texts_table, "<tr><td>"), (timeline_list, "<li>")]:
        shown, every = part(latest).split(row)[1:], part(whole).split(row)[1:]
        assert len(every) > 50 and shown == every[-50:]
