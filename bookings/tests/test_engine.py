"""Planning a booking and texting its first group (bookings.engine.booking_start)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.engine import booking_start
from bookings.models import Booking, Offer
from bookings.tests.factories import NOW, SAT_2PM, local, make_booking
from messaging.models import Message
from musicians.models import Blackout
from musicians.tests.factories import MusicianFactory
from scheduling.models import CalendarEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def offers(booking: Booking) -> list[tuple[str, str]]:
    """(instrument, musician) of every offer, in the order they were made."""
    return [
        (str(m.seat), m.musician.name)
        for m in Offer.objects.filter(booking=booking).select_related("seat__instrument", "musician").order_by("pk")
    ]


def test_it_ranks_business_hours_times_first_then_the_rest_earliest_first():
    MusicianFactory(name="Drew", plays=["drums"])
    booking = make_booking(
        seats=["drums"],
        windows=[
            (local(2026, 12, 5, 18), local(2026, 12, 5, 21)),  # evening: outside 10-6
            (local(2026, 12, 6, 10), local(2026, 12, 6, 13)),
            (local(2026, 12, 5, 14), local(2026, 12, 5, 17)),
        ],
    )

    booking_start(booking_id=booking.pk)

    times = list(booking.candidate_times.order_by("rank").values_list("starts_at", "in_business_hours"))
    assert times == [
        (local(2026, 12, 5, 14), True),
        (local(2026, 12, 6, 10), True),
        (local(2026, 12, 5, 18), False),
    ]
    booking.refresh_from_db()
    assert booking.current_time is not None and booking.current_time.rank == 1


def test_a_long_window_is_cut_into_back_to_back_sessions():
    MusicianFactory(plays=["drums"])
    booking = make_booking(seats=["drums"], windows=[(local(2026, 12, 5, 10), local(2026, 12, 5, 17))])

    booking_start(booking_id=booking.pk)

    starts = list(booking.candidate_times.order_by("rank").values_list("starts_at", flat=True))
    assert starts == [local(2026, 12, 5, 10), local(2026, 12, 5, 13)]  # 16:00-17:00 is too short


def test_the_studio_calendar_and_the_lead_time_remove_times():
    MusicianFactory(plays=["drums"])
    booking = make_booking(
        seats=["drums"],
        windows=[
            (NOW + dt.timedelta(hours=1), NOW + dt.timedelta(hours=4)),  # inside the 2-hour lead time
            (local(2026, 12, 5, 10), local(2026, 12, 5, 13)),  # the studio is busy
            SAT_2PM,
        ],
    )
    CalendarEvent.objects.create(
        uid="other-client",
        calendar_id=f"studio-{booking.studio_id}",
        starts_at=local(2026, 12, 5, 12),
        ends_at=local(2026, 12, 5, 13),
        summary="Another session",
    )

    booking_start(booking_id=booking.pk)

    assert list(booking.candidate_times.values_list("starts_at", flat=True)) == [SAT_2PM[0]]


def test_each_seat_goes_to_the_musician_booked_most_recently():
    MusicianFactory(name="Never Booked", plays=["drums"])
    MusicianFactory(name="Five Days", plays=["drums"], last_booked_at=NOW - dt.timedelta(days=5))
    MusicianFactory(name="One Day", plays=["drums"], last_booked_at=NOW - dt.timedelta(days=1))
    MusicianFactory(name="Keys", plays=["keyboard"])
    booking = make_booking(seats=["drums", "keyboard"], windows=[SAT_2PM])

    booking_start(booking_id=booking.pk)

    assert sorted(offers(booking)) == [("Drums", "One Day"), ("Keyboard", "Keys")]
    booking.refresh_from_db()
    assert booking.last_offer_at == NOW


def test_rested_first_asks_the_longest_rested_and_never_booked_first(settings):
    settings.MUSICIAN_ORDER = "rested_first"
    MusicianFactory(name="One Day", plays=["drums"], last_booked_at=NOW - dt.timedelta(days=1))
    MusicianFactory(name="Never Booked", plays=["drums"])
    booking = make_booking(seats=["drums"], windows=[SAT_2PM])

    booking_start(booking_id=booking.pk)

    assert offers(booking) == [("Drums", "Never Booked")]


def test_a_musician_is_offered_one_seat_and_the_line_up_stays_possible():
    # Both is top for drums, but is the only keyboard player: they are asked for keys.
    MusicianFactory(name="Both", plays=["drums", "keyboard"], last_booked_at=NOW - dt.timedelta(days=1))
    MusicianFactory(name="Drummer", plays=["drums"], last_booked_at=NOW - dt.timedelta(days=9))
    booking = make_booking(seats=["drums", "keyboard"], windows=[SAT_2PM])

    booking_start(booking_id=booking.pk)

    assert sorted(offers(booking)) == [("Drums", "Drummer"), ("Keyboard", "Both")]


def test_two_violins_are_two_seats_for_two_violinists():
    MusicianFactory(name="Vi One", plays=["violin"])
    MusicianFactory(name="Vi Two", plays=["violin"])
    booking = make_booking(seats=["violin", "violin"], windows=[SAT_2PM])

    booking_start(booking_id=booking.pk)

    assert sorted(offers(booking)) == [("Violin", "Vi One"), ("Violin 2", "Vi Two")]


def test_opted_out_inactive_and_busy_musicians_are_not_asked():
    MusicianFactory(name="Opted Out", plays=["drums"], opted_out_at=NOW, last_booked_at=NOW)
    MusicianFactory(name="Inactive", plays=["drums"], is_active=False, last_booked_at=NOW)
    blacked_out = MusicianFactory(name="Blackout", plays=["drums"], last_booked_at=NOW)
    Blackout.objects.create(musician=blacked_out, starts_on=dt.date(2026, 12, 5), ends_on=dt.date(2026, 12, 5))
    busy = MusicianFactory(name="Busy", plays=["drums"], last_booked_at=NOW)
    CalendarEvent.objects.create(
        uid="gig", calendar_id=f"musician-{busy.pk}", starts_at=SAT_2PM[0], ends_at=SAT_2PM[1], summary="Gig"
    )
    MusicianFactory(name="Free", plays=["drums"])
    booking = make_booking(seats=["drums"], windows=[SAT_2PM])

    booking_start(booking_id=booking.pk)

    assert offers(booking) == [("Drums", "Free")]


def test_no_viable_time_needs_the_manager_with_the_reason_per_instrument(outbox):
    MusicianFactory(name="Drew", plays=["drums"])
    Blackout.objects.create(
        musician=MusicianFactory(name="Kim", plays=["keyboard"]),
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2026, 12, 9),
    )
    booking = make_booking(seats=["drums", "keyboard", "cello"], windows=[SAT_2PM])

    booking_start(booking_id=booking.pk)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.NEEDS_ATTENTION
    assert booking.attention_reason == "Cello: nobody on the roster plays it. Keyboard: nobody free at those times."
    [alert] = Message.objects.filter(purpose="alert")
    assert alert.to_phone == "+12125550199"
    assert booking.attention_reason in alert.body
    assert f"/admin/board/{booking.pk}/" in alert.body  # the live booking page
    assert not Offer.objects.all().exists()


def test_when_each_instrument_is_free_at_some_time_but_never_together_it_says_so():
    drew = MusicianFactory(name="Drew", plays=["drums"])
    kim = MusicianFactory(name="Kim", plays=["keyboard"])
    sunday = (local(2026, 12, 6, 14), local(2026, 12, 6, 17))
    Blackout.objects.create(musician=drew, starts_on=dt.date(2026, 12, 6), ends_on=dt.date(2026, 12, 6))
    Blackout.objects.create(musician=kim, starts_on=dt.date(2026, 12, 5), ends_on=dt.date(2026, 12, 5))
    booking = make_booking(seats=["drums", "keyboard"], windows=[SAT_2PM, sunday])

    booking_start(booking_id=booking.pk)

    booking.refresh_from_db()
    assert booking.attention_reason == "No single time has a full band free."


def test_no_time_at_all_says_the_client_times_do_not_work():
    MusicianFactory(plays=["drums"])
    booking = make_booking(seats=["drums"], windows=[(NOW + dt.timedelta(minutes=30), NOW + dt.timedelta(hours=3))])

    booking_start(booking_id=booking.pk)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.NEEDS_ATTENTION
    assert "None of the client's times work" in booking.attention_reason


def test_starting_twice_plans_and_texts_once():
    MusicianFactory(plays=["drums"])
    booking = make_booking(seats=["drums"], windows=[SAT_2PM])

    booking_start(booking_id=booking.pk)
    booking_start(booking_id=booking.pk)

    assert Message.objects.count() == 1
    assert booking.candidate_times.count() == 1


def test_a_musician_holding_a_yes_elsewhere_at_an_overlapping_time_is_not_asked():
    from bookings.answers import Answer, offer_answer

    taken = MusicianFactory(name="Taken", plays=["drums"], last_booked_at=NOW)
    MusicianFactory(name="Other", plays=["drums"])
    first = make_booking(seats=["drums", "keyboard"], windows=[SAT_2PM])
    MusicianFactory(plays=["keyboard"])
    booking_start(booking_id=first.pk)
    offer_answer(offer_id=Offer.objects.get(musician=taken).pk, answer=Answer.YES)

    overlapping = make_booking(seats=["drums"], windows=[(local(2026, 12, 5, 15), local(2026, 12, 5, 18))])
    booking_start(booking_id=overlapping.pk)

    assert offers(overlapping) == [("Drums", "Other")]


def planning_queries(roster_size: int) -> int:
    for n in range(roster_size):
        MusicianFactory(plays=["drums", "keyboard"] if n % 2 else ["electric-bass"])
    booking = make_booking(
        seats=["drums", "keyboard", "electric-bass"],
        windows=[SAT_2PM, (local(2026, 12, 6, 10), local(2026, 12, 6, 16))],
    )
    with CaptureQueriesContext(connection) as queries:
        booking_start(booking_id=booking.pk)
    return len(queries)


def test_planning_costs_the_same_queries_for_any_roster_size():
    small = planning_queries(6)
    Offer.objects.all().delete()
    large = planning_queries(60)

    assert small == large
    # pinned: planning, its history line, three offers (one insert of texts, one of offers); the roster's
    # players, weekly hours and blackouts are one statement (was 20 with three)
    assert large == 18


@pytest.mark.parametrize(
    ("day", "new_york", "los_angeles"),
    [(dt.date(2026, 3, 8), "EDT", "PDT"), (dt.date(2026, 11, 1), "EST", "PST")],
    ids=["spring-forward", "fall-back"],
)
def test_on_dst_change_days_business_hours_follow_the_studio_clock(day, new_york, los_angeles):
    MusicianFactory(name="Drew", plays=["drums"])
    MusicianFactory(name="Lee", plays=["keyboard"], time_zone="America/Los_Angeles")
    inside = (local(day.year, day.month, day.day, 14), local(day.year, day.month, day.day, 17))
    early = (local(day.year, day.month, day.day, 7), local(day.year, day.month, day.day, 10))
    booking = make_booking(seats=["drums", "keyboard"], windows=[early, inside])

    with time_machine.travel(dt.datetime.combine(day - dt.timedelta(days=3), dt.time(12), dt.UTC), tick=False):
        booking_start(booking_id=booking.pk)

    ranked = list(booking.candidate_times.order_by("rank").values_list("starts_at", "in_business_hours"))
    assert ranked == [(inside[0], True), (early[0], False)]
    assert inside[1] - inside[0] == dt.timedelta(hours=3)  # a wall-clock 3 hours, on a 23- or 25-hour day
    drew = Message.objects.get(musician__name="Drew").body
    lee = Message.objects.get(musician__name="Lee").body
    assert f"2:00-5:00 PM {new_york}" in drew
    assert f"11:00 AM-2:00 PM {los_angeles}" in lee
