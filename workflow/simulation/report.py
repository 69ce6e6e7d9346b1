"""What a run did, read from the engine's own tables (read-only), and the results table.

Definitions (docs/simulation.md says the same):
- filled: the booking was confirmed at least MIN_LEAD_MINUTES before its session;
  anything else (never confirmed, confirmed too late, an email not read) is not
  filled, and its time to fill is infinite: never left out, so a policy that gives
  up early cannot look fast.
- time to fill: hours from the email's arrival to the confirmation.
- short notice: the order's earliest window starts less than 48 hours after the email.
- texts per order: Message rows by purpose, over the number of orders.
- quiet hours: a text sent to a musician inside their quiet hours (the Musician's
  quiet_hours_start/end when the model has them, else the reply model's sleep hours).
- late YES share: offers marked late (a YES to a seat already gone, unaware) over all YESes
  (accepted + late + standby). Standby sign-ups (a YES pressed on a page that says the seat
  is taken and offers standby) are counted beside it, not in it: they are an informed choice.
- fairness: per instrument, the Gini coefficient of confirmed seats over every
  musician who plays it (0 = perfectly even, 1 = one musician takes all); the mean
  over the instruments that had any confirmed seat.
"""

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, fields
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F

from bookings.models import Booking, BookingEvent, CandidateTime, Fill, Offer
from messaging.models import Message
from musicians.models import Musician

from .reply_model import ReplyModel
from .world import World

PURPOSES = ("offer", "reminder", "notice", "confirmation", "reply", "alert")
INFINITY = math.inf


@dataclass(frozen=True)
class OrderOutcome:
    order: int
    status: str  # a Booking.Status, or "unread" (the email made no booking)
    hours_to_fill: float  # infinite when not filled in time
    short_notice: bool
    no_viable_time: bool  # no time with a full band free when planned (studio busy, too soon): no policy helps


@dataclass(frozen=True)
class PolicyReport:
    policy: str
    outcomes: tuple[OrderOutcome, ...]
    texts: dict[str, int]  # by purpose
    quiet_texts: int
    quiet_offers: int
    yeses: int
    late_yeses: int
    standby_yeses: int
    fairness_gini: float
    phone_tally: dict[str, int]

    @property
    def orders(self) -> int:
        return len(self.outcomes)

    def statuses(self) -> Counter[str]:
        return Counter(o.status for o in self.outcomes)

    def per_order(self, count: float) -> float:
        return count / self.orders if self.orders else 0.0


def policy_report(*, world: World, policy: str, phone_tally: dict[str, int]) -> PolicyReport:
    after_the_seat_went = [Offer.Status.LATE, Offer.Status.STANDBY]
    yeses = Offer.objects.filter(status__in=[Offer.Status.ACCEPTED, *after_the_seat_went])
    quiet, quiet_offers = _quiet_texts(world)
    return PolicyReport(
        policy=policy,
        outcomes=tuple(_outcomes(world)),
        texts={p: Message.objects.filter(purpose=p).count() for p in PURPOSES},
        quiet_texts=quiet,
        quiet_offers=quiet_offers,
        yeses=yeses.count(),
        late_yeses=yeses.filter(status=Offer.Status.LATE).count(),
        standby_yeses=yeses.filter(status=Offer.Status.STANDBY).count(),
        fairness_gini=_fairness(world),
        phone_tally=dict(sorted(phone_tally.items())),
    )


def _outcomes(world: World) -> list[OrderOutcome]:
    bookings = {
        b.inbound_email.message_id if b.inbound_email else "": b
        for b in Booking.objects.select_related("inbound_email", "current_time")
    }
    with_viable_time = set(CandidateTime.objects.filter(viable=True).values_list("booking_id", flat=True))
    confirmed_at = dict(
        BookingEvent.objects.filter(kind=BookingEvent.Kind.CONFIRMED).values_list("booking_id", "at").order_by("at")
    )
    lead = dt.timedelta(minutes=settings.MIN_LEAD_MINUTES)
    outcomes = []
    for order in world.orders:
        booking = bookings.get(order.email["message_id"])
        hours = INFINITY
        if booking is not None and booking.status == Booking.Status.CONFIRMED and booking.current_time:
            at = confirmed_at.get(booking.pk)
            if at is not None and at <= booking.current_time.starts_at - lead:
                hours = (at - order.arrives_at) / dt.timedelta(hours=1)
        status = booking.status if booking is not None else "unread"
        unplannable = booking is None or booking.pk not in with_viable_time
        outcomes.append(OrderOutcome(order.index, status, hours, order.short_notice, unplannable))
    return outcomes


def _quiet_texts(world: World) -> tuple[int, int]:
    """Texts (and offers among them) that reached a musician inside their quiet hours."""
    fields = {f.name for f in Musician._meta.get_fields()}
    own = {"quiet_hours_start", "quiet_hours_end"} <= fields
    sleep = {m.phone: (m.behaviour.sleeps_at, m.behaviour.wakes_at) for m in world.musicians}
    quiet_by_musician = {}
    for musician in Musician.objects.all():
        start, end = (
            (getattr(musician, "quiet_hours_start", None), getattr(musician, "quiet_hours_end", None))
            if own
            else sleep.get(musician.phone, (None, None))
        )
        quiet_by_musician[musician.pk] = (musician.time_zone, start, end)
    texts = Message.objects.filter(musician__isnull=False, sent_at__isnull=False).values_list(
        "musician_id", "sent_at", "purpose"
    )
    quiet = quiet_offers = 0
    for musician_id, sent_at, purpose in texts:
        zone, start, end = quiet_by_musician[musician_id]
        if (
            sent_at is not None
            and start is not None
            and end is not None
            and _inside(sent_at.astimezone(ZoneInfo(zone)).time(), start, end)
        ):
            quiet += 1
            quiet_offers += purpose == Message.Purpose.OFFER
    return quiet, quiet_offers


def _inside(clock: dt.time, start: dt.time, end: dt.time) -> bool:
    return start <= clock < end if start <= end else clock >= start or clock < end


def _fairness(world: World) -> float:
    seats = Counter(
        Fill.objects.filter(
            candidate_time__booking__status=Booking.Status.CONFIRMED,
            candidate_time__booking__current_time=F("candidate_time"),
        ).values_list("musician__phone", "seat__instrument__slug")
    )
    ginis = []
    for slug in sorted({m.instrument for m in world.musicians}):
        counts = [seats[(m.phone, slug)] for m in world.musicians if m.instrument == slug]
        if sum(counts):
            ginis.append(gini(counts))
    return sum(ginis) / len(ginis) if ginis else 0.0


def gini(counts: list[int]) -> float:
    """Mean absolute difference over twice the mean: 0 even, towards 1 one takes all."""
    n, total = len(counts), sum(counts)
    if n == 0 or total == 0:
        return 0.0
    return sum(abs(a - b) for a in counts for b in counts) / (2 * n * total)


def quantile(values: list[float], share: float) -> float:
    """Nearest-rank quantile; infinite values (never filled) count, at the top."""
    if not values:
        return INFINITY
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _hours(value: float) -> str:
    return "never (∞)" if math.isinf(value) else f"{value:.1f} h"


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%} ({part}/{whole})" if whole else "-"


def _count(count: int, per: Callable[[float], float]) -> str:
    return f"{count} ({per(count):.2f})"


def _fill_rows(label: str, outcomes: list[OrderOutcome]) -> list[tuple[str, str]]:
    hours = [o.hours_to_fill for o in outcomes]
    filled = sum(not math.isinf(h) for h in hours)
    return [
        (f"{label}: fill rate (confirmed >= lead time before the session)", _share(filled, len(hours))),
        (f"{label}: time to fill, median", _hours(quantile(hours, 0.5))),
        (f"{label}: time to fill, 90th percentile", _hours(quantile(hours, 0.9))),
    ]


def report_rows(report: PolicyReport) -> list[tuple[str, str]]:
    """The results table's rows for one policy: (what, figure)."""
    outcomes = list(report.outcomes)
    per = report.per_order
    statuses = report.statuses()
    rows = [("orders", str(report.orders))]
    rows += _fill_rows("all orders", outcomes)
    rows += _fill_rows("sessions < 48 h away", [o for o in outcomes if o.short_notice])
    rows.append(("texts per order, all purposes", f"{per(sum(report.texts.values())):.2f}"))
    rows += [(f"texts per order: {purpose}", f"{per(report.texts[purpose]):.2f}") for purpose in PURPOSES]
    rows.append(("texts to musicians in their quiet hours (per order)", _count(report.quiet_texts, per)))
    rows.append(("offers delivered in quiet hours (per order)", _count(report.quiet_offers, per)))
    rows.append(("late YESes (seat already gone) / all YESes", _share(report.late_yeses, report.yeses)))
    rows.append(
        ("standby sign-ups (YES on a taken seat's page) / all YESes", _share(report.standby_yeses, report.yeses))
    )
    rows.append(("Dane's alerts per order", f"{per(report.texts['alert']):.2f}"))
    rows.append(("fairness: mean Gini of confirmed seats per musician, per instrument", f"{report.fairness_gini:.2f}"))
    rows.append(("final states", ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))))
    unplannable = sum(o.no_viable_time for o in outcomes)
    rows.append(("of which no viable time when planned (studio busy, too soon)", str(unplannable)))
    errors = sum(n for what, n in report.phone_tally.items() if what.startswith("ENGINE ERRORS"))
    rows.append(("engine errors (a request answered 500, a task that raised)", str(errors)))
    return rows


def results_markdown(reports: list[PolicyReport], *, seed: int, days: int, model: ReplyModel | None = None) -> str:
    """Policies side by side, one column each, on the same orders and the same musicians."""
    table = [report_rows(r) for r in reports]
    header = "| what | " + " | ".join(f"`{r.policy}`" for r in reports) + " |"
    lines = [header, "|" + " --- |" * (len(reports) + 1)]
    for i, (what, _) in enumerate(table[0]):
        lines.append(f"| {what} | " + " | ".join(rows[i][1] for rows in table) + " |")
    intro = f"Simulated {reports[0].orders} orders arriving over {days} days, seed {seed}."
    notes = [_phone_notes(r) for r in reports if r.phone_tally]
    if model is not None:
        notes.append(f"- reply model: {_model_line(model)}.")
    return "\n".join([intro, "", *lines, "", *notes]).rstrip() + "\n"


def _model_line(model: ReplyModel) -> str:
    return ", ".join(f"{f.name} {getattr(model, f.name)}" for f in fields(model))


def _phone_notes(report: PolicyReport) -> str:
    tally = "; ".join(f"{what}: {count}" for what, count in report.phone_tally.items())
    return f"- `{report.policy}` phones: {tally}."
