"""Dane's pages: the board with 1,000 bookings, and one booking's page with 2,000 texts and 200
musicians ranked, each against a read floor; and the board's growth at 100, 1,000, 10,000 bookings.

Server time: the dashboard's view function called in-process (RequestFactory, a staff user),
template rendering included, middleware and the network not; the view and its floor timed in
turns (`timed_with_floor`), each figure the median of REPEAT. The floor reads the rows the
page shows and nothing else, as plain `values_list` reads: for the board, the 200 bookings it
lists (BOARD_SIZE) with their current time and studio, their seats and their fills; for the
booking page, with the columns the page shows of each: the booking (its studio, policy), its
times, every offer (each ranked musician's answer, the next step's, the timeline's answers)
with its text's time and shown columns (offers' texts come with the offers), the latest
HISTORY_SHOWN other texts and events, how many there are of each (the page says "the latest 50
of 2,000 texts"), its seats with their instruments, the fills and the musicians who play its
instrument. What holds nothing for this booking (weekly hours, blackouts, calendar events,
holds elsewhere, replies, client emails) the floor does not read; the page must look.
Target: <= 3x the floor.
"""

import datetime as dt
import secrets
import statistics
import time

from django.db import connection
from django.db.models import Count
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .common import GROWTH, QUICK, Row, bench_studio, growth_exponent, ms, players_of

SIZES = [100, 300] if QUICK else [100, 1_000, 10_000]
JUDGED = SIZES[-1] if QUICK else 1_000
TEXTS = 2_000
RANKED = 200
REPEAT = 3 if QUICK else 11  # rounds of view-then-floor; each figure is the median


def add_bookings(count: int, *, instrument, musician) -> None:
    """`count` offering bookings, each with one current time, two seats and an offer (and its text) per seat."""
    from bookings.models import Booking, CandidateTime, Offer, Seat
    from messaging.models import Message

    now = timezone.now()
    bookings = Booking.objects.bulk_create(
        Booking(studio=bench_studio(), client_name=f"Board {i}", song_title="Board", time_zone="America/New_York",
                session_minutes=180, planned_at=now, last_offer_at=now, next_step_at=now + dt.timedelta(hours=1))
        for i in range(count)
    )  # fmt: skip
    times = CandidateTime.objects.bulk_create(
        CandidateTime(booking=b, starts_at=now + dt.timedelta(days=4, hours=i % 300), rank=1, in_business_hours=True,
                      ends_at=now + dt.timedelta(days=4, hours=i % 300 + 3), viable=True)
        for i, b in enumerate(bookings)
    )  # fmt: skip
    for booking, ctime in zip(bookings, times, strict=True):
        booking.current_time = ctime
    Booking.objects.bulk_update(bookings, ["current_time"], batch_size=2000)
    seats = Seat.objects.bulk_create(Seat(booking=b, instrument=instrument, number=n) for b in bookings for n in (1, 2))
    texts = Message.objects.bulk_create(
        Message(purpose=Message.Purpose.OFFER, to_phone=musician.phone, body="Board offer", musician=musician)
        for _ in seats
    )
    Offer.objects.bulk_create(
        Offer(booking_id=seat.booking_id, seat=seat, candidate_time=times[i // 2], musician=musician,
              token=secrets.token_urlsafe(12), created_at=now, message=text)
        for i, (seat, text) in enumerate(zip(seats, texts, strict=True))
    )  # fmt: skip


def board_floor() -> None:
    from bookings.models import Booking, Fill, Seat
    from bookings.selectors import BOARD_SIZE

    shown = list(
        Booking.objects.order_by("-created_at").values_list(
            "pk", "status", "client_name", "song_title", "created_at", "next_step_at", "studio__name",
            "current_time__starts_at", "current_time__ends_at",
        )[:BOARD_SIZE]
    )  # fmt: skip
    ids = [row[0] for row in shown]
    list(Seat.objects.filter(booking_id__in=ids).values_list("booking_id", "pk"))
    list(Fill.objects.filter(seat__booking_id__in=ids).values_list("seat__booking_id", "candidate_time_id"))


def staff_request(path: str):
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="bench-dane", defaults={"is_staff": True, "is_superuser": True}
    )
    request = RequestFactory().get(path)
    request.user = user
    return request


def timed_with_floor(view, view_args: tuple, floor, floor_args: tuple) -> tuple[float, int, float]:
    """Median seconds of the view and of its floor, and the view's query count.

    After a warm-up of each, the two are timed in turns, REPEAT rounds of one view then one
    floor: the machine is shared and its load comes and goes, and timed one after the other
    (all the views, then all the floors) a burst of someone else's work lands on one side of
    the ratio only. In turns, both sides see the same load.
    """
    view(*view_args)
    floor(*floor_args)
    with CaptureQueriesContext(connection) as queries:
        view(*view_args)
    views, floors = [], []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = view(*view_args)
        views.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"{view.__name__} answered {response.status_code}")
        start = time.perf_counter()
        floor(*floor_args)
        floors.append(time.perf_counter() - start)
    return statistics.median(views), len(queries), statistics.median(floors)


def busy_booking(instrument) -> int:
    """One offering booking: one seat, RANKED musicians who play it, TEXTS texts (offers and others)."""
    from bookings.models import Booking, BookingEvent, BookingText, CandidateTime, Offer, Seat
    from messaging.models import Message

    now = timezone.now()
    players = players_of(instrument, count=RANKED, first=1, name="Ranked", phone_prefix="553")
    booking = Booking.objects.create(
        studio=bench_studio(), client_name="Busy", song_title="Busy", time_zone="America/New_York",
        session_minutes=180, planned_at=now, last_offer_at=now, next_step_at=now + dt.timedelta(hours=1),
    )  # fmt: skip
    ctime = CandidateTime.objects.create(
        booking=booking, starts_at=now + dt.timedelta(days=6), ends_at=now + dt.timedelta(days=6, hours=3), rank=1,
        in_business_hours=True, viable=True,
    )  # fmt: skip
    booking.current_time = ctime
    booking.save(update_fields=["current_time"])
    seat = Seat.objects.create(booking=booking, instrument=instrument, number=1)
    offer_texts = Message.objects.bulk_create(
        Message(purpose=Message.Purpose.OFFER, to_phone=p.phone, body="Busy offer", musician=p) for p in players
    )
    Offer.objects.bulk_create(
        Offer(booking=booking, seat=seat, candidate_time=ctime, musician=p, token=secrets.token_urlsafe(12),
              created_at=now, message=text)
        for p, text in zip(players, offer_texts, strict=True)
    )  # fmt: skip
    others = Message.objects.bulk_create(
        Message(purpose=Message.Purpose.REMINDER, to_phone=players[n % RANKED].phone, body="Busy nudge",
                musician=players[n % RANKED])
        for n in range(TEXTS - RANKED)
    )  # fmt: skip
    BookingText.objects.bulk_create(BookingText(booking=booking, message=m, texted_at=m.created_at) for m in others)
    BookingEvent.objects.bulk_create(
        BookingEvent(booking=booking, at=now, kind=BookingEvent.Kind.ESCALATED, summary="Asked") for _ in range(20)
    )
    return booking.pk


def booking_floor(booking_id: int) -> None:
    """Each row the booking page shows, once, with the columns it shows of it (as plain values)."""
    from bookings.models import Booking, BookingEvent, BookingText, CandidateTime, Fill, Offer, Seat
    from bookings.selectors import HISTORY_SHOWN
    from messaging.models import Message
    from musicians.models import Musician

    booking = Booking.objects.values_list(
        "pk", "status", "client_name", "song_title", "client_email", "calendar_sync", "calendar_error",
        "escalation_paused", "attention_reason", "next_step_at", "reopened_at", "current_time_id",
        "inbound_email_id", "studio__name", "studio__time_zone", "studio__fill_policy__name",
    ).get(pk=booking_id)  # fmt: skip
    list(
        CandidateTime.objects.filter(booking_id=booking_id).values_list(
            "pk", "rank", "starts_at", "ends_at", "in_business_hours", "viable"
        )
    )
    # Every offer: the ranking's answers, the next step's asked and waiting, the timeline's answers; and
    # its text's time (which of the texts are the latest shown) with the columns shown of a text.
    list(
        Offer.objects.filter(booking_id=booking_id).values_list(
            "pk", "seat_id", "candidate_time_id", "musician_id", "musician__name", "status", "created_at",
            "answered_at", "sends_at", "nudge_at", "nudged_at", "message_id", "message__created_at",
            "message__purpose", "message__status", "message__error", "message__to_phone",
        )
    )  # fmt: skip
    others = Message.objects.filter(booking_text__booking_id=booking_id).order_by("-created_at")
    list(
        others.values_list("pk", "created_at", "purpose", "status", "error", "to_phone", "musician__name")[
            :HISTORY_SHOWN
        ]
    )
    list(
        BookingEvent.objects.filter(booking_id=booking_id)
        .order_by("-at")
        .values_list("at", "summary", "actor")[:HISTORY_SHOWN]
    )
    # How many texts and entries there are, which the page says ("the latest 50 of 2,000 texts"): offers
    # are counted above, the other texts and the events here, in one statement.
    counted = [model.objects.filter(booking_id=booking_id).order_by() for model in (BookingText, BookingEvent)]
    list(counted[0].values("booking_id").annotate(n=Count("pk")).values_list("n").union(
        counted[1].values("booking_id").annotate(n=Count("pk")).values_list("n"), all=True
    ))  # fmt: skip
    seats = list(
        Seat.objects.filter(booking_id=booking_id).values_list("pk", "instrument_id", "instrument__name", "number")
    )
    list(Fill.objects.filter(candidate_time_id=booking[11]).values_list("seat_id", "musician_id", "musician__name"))
    list(
        Musician.objects.filter(instruments__in=[seat[1] for seat in seats]).values_list(
            "pk", "name", "last_booked_at", "time_zone", "is_active", "opted_out_at"
        )
    )


def run() -> list[Row]:
    from django.conf import settings
    from django.test import override_settings

    # No collectstatic in the bench: plain static URLs instead of the manifest's (same cost to render).
    plain = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=plain):
        return measure_pages()


def analyze() -> None:
    """Table statistics after the bulk inserts, as autovacuum keeps them on a live database
    (without them PostgreSQL plans the page's indexed reads as hash joins and sorts); floor and
    page alike read with them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure_pages() -> list[Row]:
    from bookings import dashboard
    from musicians.models import Instrument

    instrument, _ = Instrument.objects.get_or_create(name="Board fiddle", defaults={"slug": "board-fiddle"})
    asked = players_of(instrument, count=1, first=9_000, name="Asked", phone_prefix="553")[0]
    growth: dict[int, dict] = {}
    have = 0
    request = staff_request("/admin/board/")
    for size in SIZES:
        add_bookings(size - have, instrument=instrument, musician=asked)
        have = size
        analyze()
        seconds, queries, floor = timed_with_floor(dashboard.board, (request,), board_floor, ())
        growth[size] = {"view": seconds, "queries": queries, "floor": floor}
    busy_instrument, _ = Instrument.objects.get_or_create(name="Busy cello", defaults={"slug": "busy-cello"})
    booking_id = busy_booking(busy_instrument)
    analyze()
    request = staff_request(f"/admin/board/{booking_id}/")
    page, page_queries, page_floor = timed_with_floor(dashboard.booking_page, (request, booking_id), booking_floor,
                                                      (booking_id,))  # fmt: skip
    return _rows(growth, page, page_queries, page_floor)


def _rows(growth: dict[int, dict], page: float, page_queries: int, page_floor: float) -> list[Row]:
    judged = growth[JUDGED]
    sizes = sorted(growth)
    exponent = growth_exponent(sizes, [growth[n]["view"] for n in sizes])
    GROWTH["board (bookings)"] = [(n, growth[n]["view"], growth[n]["queries"]) for n in sizes]
    rows = [
        Row(
            f"board: {JUDGED:,} bookings, server time ({judged['queries']} queries)",
            ms(judged["view"]),
            f"{ms(judged['floor'])} (read the 200 rows shown)",
            f"{judged['view'] / judged['floor']:.1f}x",
            "<= 3x",
            judged["view"] <= 3 * judged["floor"],
        ),
        Row(
            f"booking page: {TEXTS:,} texts, {RANKED} musicians ranked, server time ({page_queries} queries)",
            ms(page),
            f"{ms(page_floor)} (read the rows shown)",
            f"{page / page_floor:.1f}x",
            "<= 3x",
            page <= 3 * page_floor,
        ),
    ]
    rows += [
        Row(
            f"board growth: {n:,} bookings",
            f"{ms(growth[n]['view'])}, {growth[n]['queries']} queries",
            ms(growth[n]["floor"]),
            f"{growth[n]['view'] / growth[n]['floor']:.1f}x",
        )
        for n in sizes
    ]
    counts = [growth[n]["queries"] for n in sizes]
    rows.append(
        Row(
            f"board growth exponent, {sizes[0]:,} to {sizes[-1]:,} bookings (slope of log time, log size); queries",
            f"{exponent:.2f}; " + " vs ".join(map(str, counts)),
            "-",
            "-",
            "<= 1.15, queries equal",
            exponent <= 1.15 and len(set(counts)) == 1,
        )
    )
    return rows
