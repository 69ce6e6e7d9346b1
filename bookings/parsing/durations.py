"""Session lengths: `3 hours`, `2.5 hrs`, `90 minutes`, `1h30`, `1:30`, `2 hours 30 minutes`."""

import re

from .text import NUMBER_WORDS

SHORTEST_SESSION = 15
LONGEST_SESSION = 12 * 60

_NUMBER_WORDS = {word: str(number) for word, number in NUMBER_WORDS.items()} | {"an": "1"}
_WORD = re.compile(r"[a-z]+")
_HALF = re.compile(r"(\d)\s+and a half\b")
_CLOCK_STYLE = re.compile(r"(\d{1,2})\s*(?::|h)\s*(\d{2})(?:\s*m(?:in(?:ute)?s?)?)?")
_AMOUNT = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,2})?|\.\d{1,2})\s*(hours?|hrs?|h|minutes?|mins?|m)?\b")


def read_minutes(text: str) -> int | None:
    """Whole minutes, or None when the text does not read as a length.

    A bare number is hours (`Session length: 3`). Words around the amount are ignored
    (`about 3 hours`), but a stray number is not (`3-4 hours` is refused).
    """
    text = text.lower().replace("half an hour", "30 minutes").replace("an hour and a half", "90 minutes")
    text = _HALF.sub(r"\1.5", _words_to_digits(text))
    clock = _CLOCK_STYLE.fullmatch(text.strip())
    if clock:
        return int(clock.group(1)) * 60 + int(clock.group(2))
    amounts = [(float(match.group(1)), match.group(2)) for match in _AMOUNT.finditer(text)]
    leftover = _AMOUNT.sub(" ", text)
    bare_amongst_others = len(amounts) > 1 and any(unit is None for _, unit in amounts)
    if not amounts or bare_amongst_others or any(char.isdigit() for char in leftover):
        return None
    return round(sum(amount * (1 if (unit or "h").startswith("m") else 60) for amount, unit in amounts))


def _words_to_digits(text: str) -> str:
    return _WORD.sub(lambda match: _NUMBER_WORDS.get(match.group(0), match.group(0)), text)


def length_error(written: str, minutes: int | None) -> str | None:
    """Why a session length cannot be used, or None when it can."""
    shown = written if len(written) <= 60 else written[:59] + "…"
    if minutes is None:
        return f'The session length "{shown}" could not be read; write it like "3 hours" or "90 minutes".'
    if not SHORTEST_SESSION <= minutes <= LONGEST_SESSION:
        return f'The session length "{shown}" must be between 15 minutes and 12 hours.'
    return None


def describe_minutes(minutes: int) -> str:
    """180 -> `3 hours`, 90 -> `1 hour 30 minutes`."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)
