"""Can every seat be filled by a different musician? (bipartite matching)

Seats are few (a band, not an orchestra) and candidates per seat can be many,
so simple augmenting paths (Kuhn's algorithm) are plenty: O(seats × edges).
"""

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

Seat = TypeVar("Seat", bound=Hashable)
Player = TypeVar("Player", bound=Hashable)


def full_lineup(candidates: Mapping[Seat, Sequence[Player]]) -> dict[Seat, Player] | None:
    """A seat → musician assignment using each musician once, or None if there is none.

    `candidates` maps each seat to the musicians who could take it, best first;
    the search tries them in that order, so the result leans towards the top.
    """
    taken: dict[Player, Seat] = {}  # musician -> seat
    for seat in candidates:
        if not _place(seat, candidates, taken, visited=set()):
            return None
    return {seat: musician for musician, seat in taken.items()}


def _place(seat, candidates, taken, visited) -> bool:
    for musician in candidates[seat]:
        if musician in visited:
            continue
        visited.add(musician)
        holder = taken.get(musician)
        if holder is None or _place(holder, candidates, taken, visited):
            taken[musician] = seat
            return True
    return False


def best_lineup(candidates: Mapping[Seat, Sequence[Player]]) -> dict[Seat, Player] | None:
    """Seat by seat, the highest-ranked musician who still leaves a full line-up possible.

    This is the first group of offers: each seat goes to its top musician unless
    that would make another seat impossible to fill (the only cellist who also
    plays violin goes to the cello).
    """
    if full_lineup(candidates) is None:
        return None
    chosen: dict[Seat, Player] = {}
    remaining = dict(candidates)
    for seat in candidates:
        del remaining[seat]
        used = set(chosen.values())
        for musician in candidates[seat]:
            if musician in used:
                continue
            rest = {s: [m for m in ms if m != musician and m not in used] for s, ms in remaining.items()}
            if full_lineup(rest) is not None:
                chosen[seat] = musician
                break
    return chosen
