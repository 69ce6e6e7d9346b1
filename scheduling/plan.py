"""The offer plan: for each candidate time, who is asked for each seat, in what order.

The seed's rule: per seat, musicians by days since their last booking, smallest
first; never booked last; ties by name. MUSICIAN_ORDER=rested_first turns it
round (longest rested first, never booked first).
"""

import datetime as dt
from collections.abc import Iterator, Sequence
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


class FreeInOrder(Sequence[int]):
    """The ids of the free players among `players`, best first, worked out only as far as asked.

    Whether a time is viable usually shows from the first few musicians per seat;
    checking all 10,000 at each of 200 times would be most of planning's cost.
    """

    def __init__(self, players: Sequence[Player], session: Interval) -> None:
        self._players, self._session = players, session
        self._free: list[int] = []
        self._checked = 0

    def _find_next(self) -> bool:
        while self._checked < len(self._players):
            player = self._players[self._checked]
            self._checked += 1
            if unavailable_reason(player, self._session) is None:
                self._free.append(player.id)
                return True
        return False

    def __iter__(self) -> Iterator[int]:
        index = 0
        while index < len(self._free) or self._find_next():
            yield self._free[index]
            index += 1

    def __getitem__(self, index):
        while self._find_next():
            pass
        return self._free[index]

    def __len__(self) -> int:
        while self._find_next():
            pass
        return len(self._free)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # equal to a list, so unhashable like one

    def __repr__(self) -> str:
        return f"FreeInOrder({list(self)!r})"


def players_by_instrument(seats: Sequence[SeatNeed], ranked: Sequence[Player]) -> dict[int, list[Player]]:
    """Each seat instrument's players in rank order: worked out once per booking, not per time."""
    return {i: [p for p in ranked if i in p.instrument_ids] for i in {seat.instrument_id for seat in seats}}


def seat_candidates(
    seats: Sequence[SeatNeed], session: Interval, ranked: Sequence[Player], by_instrument: dict | None = None
) -> dict[int, Sequence[int]]:
    """Seat id -> ids of musicians free to take it at this session, best first (checked lazily).

    Seats for the same instrument share one list, so each musician is checked once per time.
    """
    by_instrument = by_instrument or players_by_instrument(seats, ranked)
    free = {instrument_id: FreeInOrder(players, session) for instrument_id, players in by_instrument.items()}
    return {seat.seat_id: free[seat.instrument_id] for seat in seats}


def is_viable(candidates: dict[int, Sequence[int]]) -> bool:
    """Every seat can be filled at once by different musicians."""
    return full_lineup(candidates) is not None


def first_group(candidates: dict[int, Sequence[int]]) -> dict[int, int] | None:
    """Seat id -> musician id for the first offers at a time (None if not viable)."""
    return best_lineup(candidates)
