"""Reads for the manager's dashboard, each in a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.utils.text import Truncator

from core.timefmt import format_clock, format_moment, format_stamp
from messaging.models import Message
from musicians.models import Instrument, Musician
from scheduling.availability import LeftOut, Player, unavailable_reason
from scheduling.intervals import Interval
from scheduling.plan import SeatNeed, days_since

from .models import (
    Booking,
    BookingEvent,
    BookingText,
    CandidateTime,
    ClientEmail,
    Fill,
    MusicianReply,
    Offer,
    Seat,
)
from .planning import booking_roster
from .policy import policy_for

BOARD_SIZE = 200


@dataclass
class BoardRow:
    """One line of the board: what it shows of a booking, and its counts."""

    pk: int
    client_name: str
    song_title: str
    status: str
    escalation_paused: bool
    calendar_sync: str
    attention_reason: str
    time_zone: str  # the studio's
    starts_at: dt.datetime | None  # the current time's
    next_escalation_at: dt.datetime | None
    seat_count: int = 0
    filled_count: int = 0
    time_count: int = 0
    failed_texts: int = 0

    @property
    def status_label(self) -> str:
        return Booking.Status(self.status).label


BOARD_COLUMNS = (
    "pk", "client_name", "song_title", "status", "escalation_paused", "calendar_sync", "attention_reason",
    "studio__time_zone", "current_time__starts_at", "next_step_at",
)  # fmt: skip


def board_bookings(*, now: dt.datetime) -> list[BoardRow]:
    """Open bookings first, then confirmed ones still ahead, then the rest; newest first in each.

    Two queries whatever the number of bookings: the BOARD_SIZE bookings shown, as plain
    values, then their seats, fills, times and failed texts counted in one statement of
    grouped counts over those ids only (no correlated subqueries, no model instances).
    """
    group = Case(
        When(status__in=[Booking.Status.OFFERING, Booking.Status.NEEDS_ATTENTION], then=Value(0)),
        When(status=Booking.Status.CONFIRMED, current_time__starts_at__gte=now, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    shown = Booking.objects.annotate(group=group).order_by("group", "-created_at").values_list(*BOARD_COLUMNS)
    rows = {
        pk: BoardRow(pk, client, song, status, paused, sync, reason, zone, starts_at,
                     _escalation_due(status, paused, next_step_at))
        for pk, client, song, status, paused, sync, reason, zone, starts_at, next_step_at in shown[:BOARD_SIZE]
    }  # fmt: skip
    for what, booking_id, n in _board_counts(list(rows)):
        setattr(rows[booking_id], what, getattr(rows[booking_id], what) + n)  # failed texts come in two parts
    return list(rows.values())


def _board_counts(ids: list[int]) -> list[tuple[str, int, int]]:
    """(which count, booking id, n) for the bookings `ids`, as one UNION ALL of grouped counts."""
    failed = {"booking_id__in": ids, "message__status": Message.Status.FAILED}
    filled = Fill.objects.filter(seat__booking_id__in=ids, candidate_time_id=F("seat__booking__current_time_id"))
    first, *rest = [
        _counted("seat_count", Seat.objects.filter(booking_id__in=ids)),
        _counted("filled_count", filled, per="seat__booking_id"),
        _counted("time_count", CandidateTime.objects.filter(booking_id__in=ids)),
        _counted("failed_texts", Offer.objects.filter(**failed)),
        _counted("failed_texts", BookingText.objects.filter(**failed)),
    ]
    return list(first.union(*rest, all=True))


def _counted(what: str, queryset: QuerySet, per: str = "booking_id") -> QuerySet:
    """How many rows of `queryset` each booking has (`per` leads to its id), labelled `what`."""
    grouped = queryset.order_by().values(of_booking=F(per)).annotate(what=Value(what), n=Count("pk"))
    return grouped.values_list("what", "of_booking", "n")


def next_escalation_at(booking: Booking) -> dt.datetime | None:
    return _escalation_due(booking.status, booking.escalation_paused, booking.next_step_at)


def _escalation_due(status: str, paused: bool, next_step_at: dt.datetime | None) -> dt.datetime | None:
    if status != Booking.Status.OFFERING or paused:
        return None
    return next_step_at


@dataclass
class Candidate:
    """One musician in a seat's ranking, with why they stand where they do."""

    name: str
    days: int | None
    reason: str  # "" when free
    offer_status: str = ""
    booked_here: bool = False  # holds this seat

    @property
    def standing(self) -> str:
        """Why they stand where they do, in words: "booked for this session", "left out: …", "3 days since …"."""
        if self.booked_here:
            return "booked for this session"
        if self.reason:
            return f"left out: {self.reason}"
        if self.days is None:
            return "never booked"
        return f"{self.days} day{'' if self.days == 1 else 's'} since last booking"


@dataclass
class SeatView:
    seat: Seat
    filled_by: str = ""
    ranked: list[Candidate] = field(default_factory=list)


@dataclass
class TimelineEntry:
    at: dt.datetime
    what: str
    who: str = ""
    kind: str = ""
    when: str = ""  # `at` as the page prints it, on the studio's clock (set for the entries shown)


class TextMessage(NamedTuple):
    """What the texts table and the timeline need of a text itself."""

    pk: int
    created_at: dt.datetime
    purpose: str
    status: str
    error: str


@dataclass
class TextRow:
    """One text of the booking (with what the offer it carried says), and its line of the texts table
    as printed: worked out here once, not by template filters on every line of every refresh."""

    message: TextMessage
    when: str
    purpose: str
    to: str
    delivery: str  # its delivery status, or for a failed text the error, cut to 60 characters
    answer: str = ""  # " · <the offer's status>" for an offer
    seat: str = ""
    option: str = ""
    answered: str = ""

    @property
    def failed(self) -> bool:
        return self.message.status == Message.Status.FAILED

    @property
    def resendable(self) -> bool:
        return self.failed and self.message.purpose != Message.Purpose.OFFER


# A text's columns as `_latest_texts` reads them, after the path to the text (`message__`).
TEXT_COLUMNS = ("id", "created_at", "purpose", "status", "error", "to_phone", "musician__name")
_PURPOSES, _DELIVERIES = dict(Message.Purpose.choices), dict(Message.Status.choices)


def _text_row(columns: tuple, zone: ZoneInfo) -> TextRow:
    """`columns`: TEXT_COLUMNS' values, plain (not a text, its musician and its offer as model instances)."""
    pk, created_at, purpose, status, error, to_phone, musician_name = columns
    failed = status == Message.Status.FAILED
    return TextRow(
        TextMessage(pk, created_at, purpose, status, error), format_stamp(created_at, zone),
        str(_PURPOSES.get(purpose, purpose)), musician_name if musician_name is not None else to_phone,
        Truncator(error).chars(60) if failed else str(_DELIVERIES.get(status, status)),
    )  # fmt: skip


# The latest texts and timeline entries a booking page shows unless asked for the whole history.
HISTORY_SHOWN = 50


@dataclass
class BookingView:
    booking: Booking
    times: list[CandidateTime]
    seats: list[SeatView]
    lineup: list[Fill]  # who holds each seat at the current time, by instrument (none once cancelled)
    assignable: list[tuple[int, str]]  # (id, name) of the textable musicians who play one of its seats
    messages: list[TextRow]  # the latest HISTORY_SHOWN texts, oldest first (every text when `whole_history`)
    text_count: int
    timeline: list[TimelineEntry]  # likewise
    timeline_count: int
    whole_history: bool
    next_step: str
    week: list[tuple[dt.date, list[Booking]]]
    replies: list[MusicianReply]  # texts from musicians about it, oldest first
    client_emails: list[ClientEmail]

    @property
    def texts_cut(self) -> bool:
        return len(self.messages) < self.text_count

    @property
    def timeline_cut(self) -> bool:
        return len(self.timeline) < self.timeline_count

    @property
    def texts_long(self) -> bool:
        """More texts than the page shows unless asked for them all."""
        return self.text_count > HISTORY_SHOWN

    @property
    def timeline_long(self) -> bool:
        return self.timeline_count > HISTORY_SHOWN


def booking_view(*, booking_id: int, now: dt.datetime, whole_history: bool = False) -> BookingView:
    """One booking's page. Its texts and timeline are the latest HISTORY_SHOWN (limited in SQL, with
    their counts), so the page costs the same however long the history; `whole_history` reads it all."""
    booking = (
        Booking.objects.select_related("studio__fill_policy", "current_time", "inbound_email")
        .annotate(  # whether there are any to read (an offering booking has neither, usually)
            has_replies=Exists(MusicianReply.objects.filter(booking=OuterRef("pk"))),
            has_client_emails=Exists(ClientEmail.objects.filter(booking=OuterRef("pk"))),
        )
        .get(pk=booking_id)
    )
    limit = None if whole_history else HISTORY_SHOWN
    offers = _offers(booking)
    here = sorted(  # the offers at the current time: the ranking's answers and the next step
        (offer for offer in offers if offer.candidate_time_id == booking.current_time_id),
        key=lambda offer: (offer.created_at, offer.pk),
    )
    history, counts = _history(booking, offers, limit)
    times = list(booking.candidate_times.order_by("rank"))
    seats, lineup, roster = _seats(booking, here, now)
    messages = _latest_texts(booking, offers, history, limit, seats={v.seat.pk: v.seat for v in seats}, times=times)
    return BookingView(
        booking=booking,
        times=times,
        seats=seats,
        lineup=[] if booking.status == Booking.Status.CANCELLED else lineup,
        assignable=sorted(((p.id, p.name) for p in roster), key=lambda player: (player[1], player[0])),
        messages=messages,
        text_count=counts["offer_texts"] + counts["other_texts"],
        timeline=_latest_timeline(booking, history, messages, limit),
        timeline_count=sum(counts.values()),
        whole_history=whole_history,
        next_step=_next_step(booking, here, now),
        week=_week(booking),
        replies=list(booking.replies.select_related("musician")) if booking.has_replies else [],
        client_emails=list(booking.client_emails.all()) if booking.has_client_emails else [],
    )


class OfferRead(NamedTuple):
    """What the page reads of each of the booking's offers, as plain columns (not 200 offers and their
    musicians as model instances): those at the current time make the ranking's answers and the next
    step, the answered ones the timeline's answers, and those with a text are texts (`texted_at`: its time)."""

    pk: int
    candidate_time_id: int
    seat_id: int
    musician_id: int
    status: str
    created_at: dt.datetime
    answered_at: dt.datetime | None
    message_id: int | None
    texted_at: dt.datetime | None
    sends_at: dt.datetime | None
    nudge_at: dt.datetime | None
    nudged_at: dt.datetime | None
    musician__name: str


def _offers(booking: Booking) -> list[OfferRead]:
    """Every offer of the booking, with its text's time read by the text's primary key (joined to
    the texts for 200 offers, PostgreSQL hashes the whole texts table instead)."""
    texted = Subquery(Message.objects.filter(pk=OuterRef("message_id")).order_by().values("created_at"))
    columns = [texted if field == "texted_at" else field for field in OfferRead._fields]
    return [OfferRead(*row) for row in Offer.objects.filter(booking=booking).order_by().values_list(*columns)]


# The kinds of line in the history statement: events (0), texts (1) and answers (2), as the timeline
# orders them at one instant.
_EVENT, _TEXT, _ANSWER = 0, 1, 2


def _history(booking: Booking, offers: list[OfferRead], limit: int | None) -> tuple[list[tuple], dict[str, int]]:
    """The latest `limit` events, answers and texts other than offers (all for None), as (at, kind, pk,
    summary or status, who, kind's name), and how long the booking's history is (texts of two kinds,
    events, answers). The answers and offers' texts come with `offers`; the rest is one UNION ALL whose
    lines each carry their kind's whole count (COUNT(*) OVER (), taken before the LIMIT)."""
    events = (
        BookingEvent.objects.filter(booking=booking)
        .order_by("-at", "-pk")
        .values_list("at", Value(_EVENT), "pk", "summary", "actor", "kind", Window(Count("pk")))[:limit]
    )
    texts = (  # (at, 1, the text's id, "", "", "text", n): newest first off the (booking, texted_at) index
        BookingText.objects.filter(booking=booking)
        .order_by("-texted_at", "-message_id")
        .values_list(
            "texted_at", Value(_TEXT), "message_id", *[Value("", CharField())] * 2, Value("text"), Window(Count("pk"))
        )[:limit]
    )
    answered = sorted(
        ((o.answered_at, _ANSWER, o.pk, o.status, o.musician__name, "answer") for o in offers if o.answered_at),
        reverse=True,
    )
    counts = {"offer_texts": sum(1 for o in offers if o.message_id), "other_texts": 0, "events": 0}
    counts["answers"] = len(answered)
    rows = answered[:limit]
    for *row, count in events.union(texts, all=True):
        counts["events" if row[1] == _EVENT else "other_texts"] = count
        rows.append(tuple(row))
    return rows, counts


def _latest_texts(
    booking: Booking,
    offers: list[OfferRead],
    history: list[tuple],
    limit: int | None,
    *,
    seats: dict[int, Seat],
    times: list[CandidateTime],
) -> list[TextRow]:
    """The booking's latest `limit` texts (all for None), oldest first, each offer's with what it says.

    Which they are shows from the offers' texts' times and the latest other texts in `history`; then
    only those texts are read, by id. `seats` and `times` are the booking's, already read: each offer
    takes its own from them.
    """
    keys = [(offer.texted_at, offer.message_id) for offer in offers if offer.message_id]
    keys += [(at, pk) for at, kind, pk, *_ in history if kind == _TEXT]
    keys.sort()
    shown = [pk for _, pk in (keys[-limit:] if limit else keys)]
    if not shown:
        return []
    by_text = {offer.message_id: offer for offer in offers if offer.message_id}
    seat_names = {pk: str(seat) for pk, seat in seats.items()}
    options = {time.pk: str(time.rank) for time in times}
    labels = dict(Offer.Status.choices)
    zone = booking.studio.zone
    rows = []
    for text in Message.objects.filter(pk__in=shown).order_by().values_list(*TEXT_COLUMNS):
        row = _text_row(text, zone)
        offer = by_text.get(row.message.pk)
        if offer is not None:
            row.answer = f" · {labels.get(offer.status, offer.status)}"
            row.seat, row.option = seat_names[offer.seat_id], options[offer.candidate_time_id]
            row.answered = format_stamp(offer.answered_at, zone) if offer.answered_at else ""
        rows.append(row)
    rows.sort(key=lambda row: (row.message.created_at, row.message.pk))
    return rows


def _latest_timeline(
    booking: Booking, history: list[tuple], texts: list[TextRow], limit: int | None
) -> list[TimelineEntry]:
    """The latest `limit` entries (all for None), oldest first: events, then texts, then answers at one instant.

    `history` are the latest `limit` events and answers (`_history`; its texts come as `texts`, the
    latest `limit` texts, read): the entries shown can only come from the latest `limit` of each kind.
    """
    labels = dict(Offer.Status.choices)
    keyed = [
        ((at, kind, pk), TimelineEntry(at, f"Answered: {labels[what]}" if kind == _ANSWER else what, who, name))
        for at, kind, pk, what, who, name in history
        if kind != _TEXT
    ]
    for row in texts:
        keyed.append(((row.message.created_at, _TEXT, row.message.pk), TimelineEntry(
            row.message.created_at, f"{row.purpose} texted", row.to, "text"
        )))  # fmt: skip
    keyed.sort(key=lambda pair: pair[0])
    entries = [entry for _, entry in keyed]
    shown = entries[-limit:] if limit else entries
    zone = booking.studio.zone
    for entry in shown:
        entry.when = format_stamp(entry.at, zone)
    return shown


def _seats(
    booking: Booking, here: list[OfferRead], now: dt.datetime
) -> tuple[list[SeatView], list[Fill], list[Player]]:
    """Each seat: who fills it, and its musicians ranked with their answers (`here`: the offers at the current time);
    with the fills at the current time (the line-up, by instrument) and the textable players of its instruments."""
    time = booking.current_time
    seats, fills = _seats_and_fills(booking)
    views = {seat.pk: SeatView(seat) for seat in seats}
    if time is None:
        return list(views.values()), [], []
    booked: dict[int, int] = {}
    for fill in fills:
        views[fill.seat_id].filled_by = fill.musician.name
        booked[fill.musician_id] = fill.seat_id
    # Once booked, the ranking is shown as it stood when the seats were offered: days since
    # each musician's last booking then (the band's own session is not a "busy" to them).
    as_of = min((o.created_at for o in here), default=now) if booking.status == Booking.Status.CONFIRMED else now
    session = Interval(time.starts_at, time.ends_at)
    needs = [SeatNeed(seat.pk, seat.instrument_id) for seat in seats]
    left_out: list[LeftOut] = []  # who plays a seat's instrument but cannot be texted, read with the roster
    roster = booking_roster(booking=booking, seats=needs, span=session, now=as_of, left_out=left_out)
    labels = dict(Offer.Status.choices)  # not get_status_display(): 200 offers, one dict
    asked = {(o.seat_id, o.musician_id): labels[o.status] for o in here}
    for seat in seats:
        players = [p for p in roster.ranked if seat.instrument_id in p.instrument_ids]
        views[seat.pk].ranked = [
            Candidate(p.name, None, "", "Booked", booked_here=True)
            if booked.get(p.id) == seat.pk
            else _candidate(p, session, as_of, asked.get((seat.pk, p.id), ""), busy_with_us=p.id in booked)
            for p in players
        ]
    _add_left_out(views, seats, left_out)
    lineup = sorted(fills, key=lambda fill: (fill.seat.instrument.name, fill.seat.number))
    return list(views.values()), lineup, roster.ranked


def _seats_and_fills(booking: Booking) -> tuple[list[Seat], list[Fill]]:
    """The booking's seats in their own order (instrument, number), each with its instrument, and
    who holds each at the current time: one read of the seats with their fill there (at most one,
    a seat is filled once per time), not the seats and then the fills apart."""
    held = FilteredRelation("fills", condition=Q(fills__candidate_time_id=booking.current_time_id))
    rows = (
        Seat.objects.filter(booking=booking)
        .annotate(held=held)
        .order_by("instrument__name", "number")  # not the default's join to the booking for its date
        .values_list("pk", "instrument_id", "instrument__name", "instrument__slug", "number", "held__musician_id",
                     "held__musician__name")
    )  # fmt: skip
    seats, fills = [], []
    for pk, instrument_id, name, slug, number, musician_id, musician_name in rows:
        instrument = Instrument(pk=instrument_id, name=name, slug=slug)
        seats.append(Seat(pk=pk, booking=booking, instrument=instrument, number=number))
        if musician_id is not None:  # what the line-up shows of a fill: the seat and the musician
            fills.append(Fill(seat=seats[-1], musician=Musician(pk=musician_id, name=musician_name)))
    return seats, fills


def _candidate(
    player: Player, session: Interval, now: dt.datetime, offer_status: str, *, busy_with_us: bool = False
) -> Candidate:
    reason = "booked on another seat of this session" if busy_with_us else unavailable_reason(player, session) or ""
    return Candidate(player.name, days_since(player.last_booked_at, now), reason, offer_status)


def _add_left_out(views: dict[int, SeatView], seats: list[Seat], left_out: list[LeftOut]) -> None:
    """Musicians who play the instrument but cannot be texted at all (`left_out`, by name): say so, at the end."""
    for name, active, instrument_id in left_out:
        reason = "inactive" if not active else "opted out (STOP)"
        for seat in seats:
            if seat.instrument_id == instrument_id:
                views[seat.pk].ranked.append(Candidate(name, None, reason))


def _next_step(booking: Booking, here: list[OfferRead], now: dt.datetime) -> str:
    if booking.status == Booking.Status.CONFIRMED:
        return "Booked. Nothing left to do."
    if booking.status == Booking.Status.CANCELLED:
        return "Cancelled."
    if booking.status == Booking.Status.NEEDS_ATTENTION:
        return f"Needs you: {booking.attention_reason}"
    if booking.escalation_paused:
        return "Waiting for answers; escalation is paused."
    due = next_escalation_at(booking)
    if due is None:
        return "Planning."
    return _policy_step(booking, here, due, now)


def _policy_step(booking: Booking, here: list[OfferRead], due: dt.datetime, now: dt.datetime) -> str:
    """The policy in force and what it does next: "… (paced policy): asked Kim, Ray at 2:05 PM EST; …"."""
    zone = booking.studio.zone
    policy = policy_for(booking.studio)
    waiting = [o for o in here if o.status == Offer.Status.OPEN]
    parts = []
    sent = [o for o in waiting if o.message_id]
    if sent:
        last = max(o.created_at for o in sent)
        names = ", ".join(o.musician__name for o in sent if o.created_at == last)
        parts.append(f"asked {names} at {format_clock(last, zone)}")
    for offer in waiting:
        if offer.message_id is None and offer.sends_at:
            parts.append(f"{offer.musician__name}'s quiet hours end {format_clock(offer.sends_at, zone)}")
    nudges = [o.nudge_at for o in waiting if o.nudge_at and not o.nudged_at and o.message_id and o.nudge_at > now]
    if nudges:
        parts.append(f"nudge at {format_clock(min(nudges), zone)}")
    parts.append(f"the sweep looks again {format_moment(due, zone)}")
    return f"Waiting for answers ({policy.name} policy): " + "; ".join(parts) + "."


def _week(booking: Booking) -> list[tuple[dt.date, list[Booking]]]:
    """The studio's week around a confirmed session, each day with its confirmed bookings."""
    if booking.status != Booking.Status.CONFIRMED or booking.current_time is None:
        return []
    zone = booking.studio.zone
    day = booking.current_time.starts_at.astimezone(zone).date()
    monday = day - dt.timedelta(days=day.weekday())
    start = dt.datetime.combine(monday, dt.time(), tzinfo=zone)
    confirmed = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            current_time__starts_at__gte=start,
            current_time__starts_at__lt=start + dt.timedelta(days=7),
        )
        .select_related("current_time")
        .prefetch_related("seats__fills__musician")
        .order_by("current_time__starts_at")
    )
    days: dict[dt.date, list[Booking]] = {monday + dt.timedelta(days=n): [] for n in range(7)}
    for other in confirmed:
        days[other.current_time.starts_at.astimezone(zone).date()].append(other)  # type: ignore[union-attr]
    return list(days.items())
