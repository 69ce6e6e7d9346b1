"""The `Instruments:` value to seats: `drums, bass guitar, keys, 2 violins`."""

import re
from dataclasses import dataclass, field

from .instruments import InstrumentCatalog
from .result import RequestedSeat
from .text import NUMBER_WORDS, strip_bullet

MAX_PER_INSTRUMENT = 20
# A studio session seats a band, not an orchestra; the per-instrument cap alone would
# let items add up to thousands of seats (and as many offers).
MAX_SEATS = 20
MAX_ITEMS = 100

_SEPARATORS = re.compile(r"[,;&+]|\band\b|\bplus\b", re.IGNORECASE)
_NOTE = re.compile(r"\(([^()]*)\)")
_CHOICE = re.compile(r"\s+or\s+", re.IGNORECASE)
_COUNT_WORDS = NUMBER_WORDS | {"a": 1, "an": 1, "single": 1}
_LEADING_COUNT = re.compile(r"^(\d{1,3})\s*[x×]?\s+|^(\d{1,3})[x×]\s*")
_TRAILING_COUNT = re.compile(r"\s*(?:[x×]\s*(\d{1,3})|\(\s*[x×]?\s*(\d{1,3})\s*\)|[:-]\s*(\d{1,3}))$")
# "2 violin players": the instrument is what matters.
_ROLE_WORDS = re.compile(r"\s+(?:players?|musicians?)$|\(s\)$", re.IGNORECASE)


@dataclass
class SeatReading:
    seats: list[RequestedSeat] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # What clients wrote in parentheses: "Drums (brushes)" -> "Drums: brushes", for the notes.
    instrument_notes: list[str] = field(default_factory=list)


def read_seats(lines: list[str], catalog: InstrumentCatalog) -> SeatReading:
    """Seats in order of first mention, counts of the same instrument added together.

    A note in parentheses is kept for the musicians (`Drums (brushes)`), unless it
    completes the name (`Bass (upright)` is the upright bass). A choice between two
    instruments (`acoustic or electric guitar`) is an error naming both.
    """
    counts: dict[str, int] = {}
    reading = SeatReading()
    items = _items(lines)
    if len(items) > MAX_ITEMS:
        reading.errors.append(f"The instruments list has {len(items)} items; an order can ask for {MAX_SEATS} seats.")
        return reading
    for item in items:
        count, name = _split_count(item)
        slug, note = _instrument(name or item, catalog, reading)
        if slug is None:
            continue
        if not 1 <= count <= MAX_PER_INSTRUMENT:
            reading.errors.append(_count_error(name))
            continue
        counts[slug] = counts.get(slug, 0) + count
        if note:
            reading.instrument_notes.append(f"{_bare_name(name)}: {note}")
            shown = catalog.display_name(slug)
            reading.warnings.append(
                f'The instrument "{_short(item)}" was read as {shown}; "{_short(note)}" was added to the notes.'
            )
    total = sum(counts.values())
    if total > MAX_SEATS:
        reading.errors.append(f"The order asks for {total} musicians; one order can seat at most {MAX_SEATS}.")
        return reading
    reading.seats = [RequestedSeat(slug, count) for slug, count in counts.items()]
    return reading


def _instrument(name: str, catalog: InstrumentCatalog, reading: SeatReading) -> tuple[str | None, str]:
    """The slug `name` means and the note in its parentheses; errors are added to `reading`."""
    note = " ".join(part.strip() for part in _NOTE.findall(name) if part.strip())
    bare = _bare_name(name)
    choices = _choices(bare or name, catalog)
    if len(choices) > 1:
        reading.errors.append(_choice_error(name, list(choices.values())))
        return None, ""
    if choices:  # "drums or kit": two names for one instrument
        return next(iter(choices)), note
    # "Bass (upright)" and "Guitar (acoustic)" name an instrument with their note.
    for whole in (f"{note} {bare}", f"{bare} {note}") if note else ():
        slug = catalog.lookup(whole)
        if slug and len(_choices(note, catalog)) < 2:
            return slug, ""
    slug = catalog.lookup(bare) if bare else None
    if slug is None:
        slug = catalog.lookup(name)
        note = "" if slug else note
    if slug is None:
        reading.errors.append(_unknown_error(name, catalog))
    return slug, note


def _bare_name(name: str) -> str:
    return " ".join(_NOTE.sub(" ", name).split())


def _choices(name: str, catalog: InstrumentCatalog) -> dict[str, str]:
    """`acoustic or electric guitar` -> {slug: "acoustic guitar", slug: "electric guitar"}.

    Empty unless `name` is an "or" whose every side names an instrument.
    """
    parts = _CHOICE.split(name)
    if len(parts) < 2:
        return {}
    last_word = parts[-1].split()[-1] if parts[-1].split() else ""
    readings: dict[str, str] = {}
    for part in parts:
        # "acoustic or electric guitar": the first choice shares the last one's noun.
        candidate = next((text for text in (f"{part} {last_word}", part) if catalog.lookup(text)), None)
        if candidate is None:
            return {}
        readings.setdefault(catalog.lookup(candidate) or "", candidate.strip().lower())
    return readings


def _items(lines: list[str]) -> list[str]:
    """Items split at commas, "and", "&" and "+", except inside parentheses."""
    items = (strip_bullet(part).strip(" .!") for line in lines for part in _split_outside_notes(line))
    return [item for item in items if item]


def _split_outside_notes(line: str) -> list[str]:
    notes = _NOTE.findall(line)
    masked = _NOTE.sub("\x00", line)
    parts = _SEPARATORS.split(masked)
    restored = []
    for part in parts:
        while "\x00" in part:
            part = part.replace("\x00", f"({notes.pop(0)})", 1)
        restored.append(part)
    return restored


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


def _choice_error(name: str, choices: list[str]) -> str:
    listed = " or ".join(f'"{choice}"' for choice in choices)
    return f'The instrument "{_short(name)}" offers a choice ({listed}); write the one the session needs.'


def _unknown_error(name: str, catalog: InstrumentCatalog) -> str:
    known = ", ".join(name.lower() for name in catalog.known_names())
    return f'Unknown instrument "{_short(name)}". Known instruments: {known}.'
