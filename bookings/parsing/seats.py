"""The `Instruments:` value to seats: `drums, bass guitar, keys, 2 violins`."""

import re
from dataclasses import dataclass, field

from .instruments import InstrumentCatalog
from .result import RequestedSeat
from .text import NUMBER_WORDS, strip_bullet

MAX_PER_INSTRUMENT = 20

_SEPARATORS = re.compile(r"[,;&+]|\band\b|\bplus\b", re.IGNORECASE)
_COUNT_WORDS = NUMBER_WORDS | {"a": 1, "an": 1, "single": 1}
_LEADING_COUNT = re.compile(r"^(\d{1,3})\s*[x×]?\s+|^(\d{1,3})[x×]\s*")
_TRAILING_COUNT = re.compile(r"\s*(?:[x×]\s*(\d{1,3})|\(\s*[x×]?\s*(\d{1,3})\s*\)|[:-]\s*(\d{1,3}))$")
# "2 violin players": the instrument is what matters.
_ROLE_WORDS = re.compile(r"\s+(?:players?|musicians?)$|\(s\)$", re.IGNORECASE)


@dataclass
class SeatReading:
    seats: list[RequestedSeat] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_seats(lines: list[str], catalog: InstrumentCatalog) -> SeatReading:
    """Seats in order of first mention, counts of the same instrument added together."""
    counts: dict[str, int] = {}
    reading = SeatReading()
    for item in _items(lines):
        count, name = _split_count(item)
        slug = catalog.lookup(name)
        if slug is None:
            reading.errors.append(_unknown_error(name or item, catalog))
        elif not 1 <= count <= MAX_PER_INSTRUMENT:
            reading.errors.append(_count_error(name))
        else:
            counts[slug] = counts.get(slug, 0) + count
    reading.seats = [RequestedSeat(slug, count) for slug, count in counts.items()]
    return reading


def _items(lines: list[str]) -> list[str]:
    items = (strip_bullet(part).strip(" .!") for line in lines for part in _SEPARATORS.split(line))
    return [item for item in items if item]


def _split_count(item: str) -> tuple[int, str]:
    """`2 violins`, `2x violin`, `two violins`, `violin x2`, `violins (2)` -> (2, name)."""
    leading = _LEADING_COUNT.match(item)
    if leading:
        return int(leading.group(1) or leading.group(2)), _instrument_words(item[leading.end() :])
    first, _, rest = item.partition(" ")
    if first.lower() in _COUNT_WORDS and rest:
        return _COUNT_WORDS[first.lower()], _instrument_words(rest)
    trailing = _TRAILING_COUNT.search(item)
    if trailing and item[: trailing.start()].strip():
        count = next(group for group in trailing.groups() if group)
        return int(count), _instrument_words(item[: trailing.start()])
    return 1, _instrument_words(item)


def _instrument_words(text: str) -> str:
    return _ROLE_WORDS.sub("", text.strip()).strip()


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:59] + "…"


def _count_error(name: str) -> str:
    return f'The count for "{_short(name)}" must be between 1 and {MAX_PER_INSTRUMENT}.'


def _unknown_error(name: str, catalog: InstrumentCatalog) -> str:
    known = ", ".join(name.lower() for name in catalog.known_names())
    return f'Unknown instrument "{_short(name)}". Known instruments: {known}.'
