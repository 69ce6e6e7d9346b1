"""The offer plan: for each candidate time, who is asked for each seat, in what order.

The seed's rule: per seat, musicians by days since their last booking, smallest
first; never booked last; ties by name. MUSICIAN_ORDER=rested_first turns it
round (longest rested first, never booked first).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .availability import Player, unavailable_reason
from .intervals import Interval
from .matching import best_lineup, full_lineup

RECENT_FIRST = "recent_first"
RESTED_FIRST = "rested_first"
MUSICIAN_ORDERS = (RECENT_FIRST, RESTED_FIRST)


@dataclass(frozen=True)
class SeatNeed:
    seat_id: int
    instrument_id: int


def days_since(last_booked_at: dt.datetime | None, now: dt.datetime) -> int | None:
    return None if last_booked_at is None else max((now - last_booked_at).days, 0)


def musician_order_key(player: Player, *, now: dt.datetime, order: str) -> tuple:
    days = days_since(player.last_booked_at, now)
    if order == RESTED_FIRST:
        return (days is not None, -(days or 0), player.name.lower(), player.id)
    return (days is None, days or 0, player.name.lower(), player.id)


def rank_players(players: Sequence[Player], *, now: dt.datetime, order: str) -> list[Player]:
    return sorted(players, key=lambda p: musician_order_key(p, now=now, order=order))


def seat_candidates(seats: Sequence[SeatNeed], session: Interval, ranked: Sequence[Player]) -> dict[int, list[int]]:
    """Seat id -> ids of musicians free to take it at this session, best first."""
    free = [p for p in ranked if unavailable_reason(p, session) is None]
    return {seat.seat_id: [p.id for p in free if seat.instrument_id in p.instrument_ids] for seat in seats}


def is_viable(candidates: dict[int, list[int]]) -> bool:
    """Every seat can be filled at once by different musicians."""
    return full_lineup(candidates) is not None


def first_group(candidates: dict[int, list[int]]) -> dict[int, int] | None:
    """Seat id -> musician id for the first offers at a time (None if not viable)."""
    return best_lineup(candidates)
