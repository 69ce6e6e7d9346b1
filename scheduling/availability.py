"""Who can play when: the facts about each musician, loaded in a fixed number of queries.

A musician can take a seat at a session when they play the instrument, are
active, have not opted out, and are free: their calendar has no busy block (and
could be read at all), no blackout day touches the session, the session sits
inside one of their weekly windows if they set any (none set = free any time),
and they are not booked or holding a YES at an overlapping time elsewhere.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Field,
    IntegerField,
    QuerySet,
    TimeField,
    Value,
)
from django.db.models.functions import Cast

from musicians.models import Blackout, Musician, WeeklyAvailability

from .calendars import get_calendar_backend
from .calendars.ids import musician_calendar_id
from .intervals import Interval, overlaps_any


@dataclass(frozen=True)
class WeeklyWindow:
    weekday: int
    starts_at: dt.time
    ends_at: dt.time


@dataclass
class Player:
    """A musician as planning sees them. `busy` is None when their calendar could not be read."""

    id: int
    name: str
    zone: ZoneInfo
    last_booked_at: dt.datetime | None
    calendar_id: str
    instrument_ids: set[int] = field(default_factory=set)
    weekly: list[WeeklyWindow] = field(default_factory=list)
    blackouts: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    busy: list[Interval] | None = field(default_factory=list)
    holds: list[Interval] = field(default_factory=list)

    @cached_property
    def windows_by_weekday(self) -> dict[int, list[tuple[dt.time, dt.time]]]:
        """Weekly windows per weekday, touching ones joined: worked out once, asked 200 times."""
        days: dict[int, list[tuple[dt.time, dt.time]]] = defaultdict(list)
        for window in self.weekly:
            days[window.weekday].append((window.starts_at, window.ends_at))
        return {weekday: _joined(sorted(windows)) for weekday, windows in days.items()}


class Unavailable:
    """Why a musician cannot take a seat at a session (shown to the manager)."""

    CALENDAR_UNKNOWN = "calendar could not be read"
    BUSY = "busy in their calendar"
    BLACKOUT = "blackout day"
    OUTSIDE_WEEKLY = "outside their weekly availability"
    BOOKED_ELSEWHERE = "booked or holding a YES elsewhere"


def unavailable_reason(player: Player, session: Interval) -> str | None:
    """None if the player is free for the whole session, else why not."""
    if player.busy is None:
        return Unavailable.CALENDAR_UNKNOWN
    if player.holds and overlaps_any(session, player.holds):
        return Unavailable.BOOKED_ELSEWHERE
    if player.busy and overlaps_any(session, player.busy):
        return Unavailable.BUSY
    if player.blackouts and _on_blackout(player, session):  # most have none: skip the zone maths
        return Unavailable.BLACKOUT
    if player.weekly and not _inside_weekly(player, session):
        return Unavailable.OUTSIDE_WEEKLY
    return None


@lru_cache(maxsize=4096)
def _on_the_clock_of(session: Interval, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The session on a zone's wall clock. Planning asks for each musician at each time,
    but musicians share a handful of zones: converting once per (time, zone) is the saving."""
    return session.start.astimezone(zone), session.end.astimezone(zone)


def _on_blackout(player: Player, session: Interval) -> bool:
    start, end = _on_the_clock_of(session, player.zone)
    first, last = start.date(), (end - dt.timedelta(microseconds=1)).date()
    return any(starts_on <= last and first <= ends_on for starts_on, ends_on in player.blackouts)


END_OF_DAY = dt.time(23, 59)  # a window "until 23:59" runs to midnight


def _inside_weekly(player: Player, session: Interval) -> bool:
    start, end = _on_the_clock_of(session, player.zone)
    if start.date() != end.date() and end.time() != dt.time(0):
        return False  # a session across the musician's midnight fits no single day's window
    end_clock = end.time() if end.date() == start.date() else dt.time.max
    day = player.windows_by_weekday.get(start.weekday(), [])
    return any(opens <= start.time() and end_clock <= closes for opens, closes in day)


def _joined(windows: list[tuple[dt.time, dt.time]]) -> list[tuple[dt.time, dt.time]]:
    """Sorted windows with touching or overlapping ones joined (12-15 and 15-20 is 12-20)."""
    joined: list[tuple[dt.time, dt.time]] = []
    for opens, closes in windows:
        closes = dt.time.max if closes >= END_OF_DAY else closes
        if joined and opens <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], closes))
        else:
            joined.append((opens, closes))
    return joined


# A musician who plays one of the instruments but cannot be texted: (name, is_active, instrument id).
LeftOut = tuple[str, bool, int]


def load_players(
    *,
    instrument_ids: Iterable[int],
    span: Interval,
    holds: dict[int, list[Interval]],
    left_out: list[LeftOut] | None = None,
) -> list[Player]:
    """Every active, textable musician who plays one of the instruments, with their facts.

    One statement and one free/busy call, however big the roster: the players, their weekly
    windows and their blackouts near `span` as one UNION ALL. `holds` are the sessions each
    musician is booked for or holding a YES on elsewhere. Given `left_out`, the same statement
    also reads who plays one of the instruments but cannot be texted (inactive, or opted out)
    and adds them to it, by name.
    """
    instrument_ids = list(instrument_ids)
    players: dict[int, Player] = {}
    facts = []
    for row in _roster_statement(instrument_ids, span, with_left_out=left_out is not None):
        kind, musician_id, instrument_id, name, zone, last_booked_at, calendar_id, active, opted_out_at = row[:9]
        if kind != _PLAYS:
            facts.append(row)
        elif not active or opted_out_at is not None:
            left_out.append((name, active, instrument_id))  # type: ignore[union-attr]  # read only when asked
        else:
            player = players.get(musician_id)
            if player is None:
                calendar = musician_calendar_id(musician_id=musician_id, calendar_id=calendar_id)
                player = players[musician_id] = Player(musician_id, name, ZoneInfo(zone), last_booked_at, calendar)
            player.instrument_ids.add(instrument_id)
    for kind, musician_id, *_, weekday, starts_at, ends_at, starts_on, ends_on in facts:
        if kind == _WEEKLY:
            players[musician_id].weekly.append(WeeklyWindow(weekday, starts_at, ends_at))
        else:
            players[musician_id].blackouts.append((starts_on, ends_on))
    _add_busy(players.values(), span)
    for musician_id, intervals in holds.items():
        if musician_id in players:
            players[musician_id].holds.extend(intervals)
    return list(players.values())


_PLAYS, _WEEKLY, _BLACKOUT = 0, 1, 2


def _roster_statement(instrument_ids: list[int], span: Interval, *, with_left_out: bool) -> QuerySet:
    """The roster's reads as one UNION ALL of rows (kind, musician, then the kind's own columns, NULL
    in the others' places): who plays the instruments (_PLAYS: instrument, name, zone, last booked,
    calendar, active, opted out), then the weekly windows (weekday, opens, closes) and blackouts
    (first day, last day) of the textable ones. Windows and blackouts come in no order (the
    defaults' sort by musician is a join to the musicians): windows are sorted per weekday,
    blackouts only looked through; the untextable come by name, as the page lists them.
    """
    plays = Musician.instruments.through.objects.filter(instrument_id__in=instrument_ids)
    if not with_left_out:
        plays = plays.filter(musician__is_active=True, musician__opted_out_at__isnull=True)
    # The same musicians as a subquery, not their ids again: a list of a few hundred ids costs
    # Django more to prepare (per id, per query) than the database to find them twice.
    roster = _playing(instrument_ids).values("musician_id")
    first_day, last_day = (span.start - dt.timedelta(days=1)).date(), (span.end + dt.timedelta(days=1)).date()
    no_player = _nulls(IntegerField(), CharField(), CharField(), DateTimeField(), CharField(), BooleanField(),
                       DateTimeField())  # fmt: skip
    windows = (
        WeeklyAvailability.objects.filter(musician__in=roster)
        .order_by()
        .values_list(Value(_WEEKLY), "musician_id", *no_player, "weekday", "starts_at", "ends_at",
                     *_nulls(DateField(), DateField()))
    )  # fmt: skip
    blackouts = (
        Blackout.objects.filter(musician__in=roster, starts_on__lte=last_day, ends_on__gte=first_day)
        .order_by()
        .values_list(Value(_BLACKOUT), "musician_id", *no_player, *_nulls(IntegerField(), TimeField(), TimeField()),
                     "starts_on", "ends_on")
    )  # fmt: skip
    # The blackouts' days are NULL in the players' and the windows' lines: typed in the first part, or
    # PostgreSQL makes the two NULLs text and then cannot match them with dates.
    no_days = [Cast(Value(None), output_field=DateField()) for _ in range(2)]
    players = plays.values_list(
        Value(_PLAYS), "musician_id", "instrument_id", "musician__name", "musician__time_zone",
        "musician__last_booked_at", "musician__calendar_id", "musician__is_active", "musician__opted_out_at",
        *_nulls(IntegerField(), TimeField(), TimeField()), *no_days,
    )  # fmt: skip
    statement = players.union(windows, blackouts, all=True)
    return statement.order_by("musician__name") if with_left_out else statement


def _nulls(*fields: Field) -> list[Value]:
    """NULLs in the places of the other kinds' columns in the roster statement."""
    return [Value(None, output_field=column) for column in fields]


def _playing(instrument_ids: list[int]) -> QuerySet:
    """Who plays the instruments and can be texted: (instrument, musician) rows."""
    return Musician.instruments.through.objects.filter(
        instrument_id__in=instrument_ids, musician__is_active=True, musician__opted_out_at__isnull=True
    )


def _add_busy(players: Iterable[Player], span: Interval) -> None:
    by_calendar: dict[str, list[Player]] = defaultdict(list)
    for player in players:
        if player.calendar_id:  # no calendar at all: nothing in it, so nothing busy
            by_calendar[player.calendar_id].append(player)
    if not by_calendar:
        return
    busy = get_calendar_backend().busy(list(by_calendar), span)
    for calendar_id, sharing in by_calendar.items():
        for player in sharing:
            player.busy = busy.get(calendar_id)
