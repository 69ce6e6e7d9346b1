"""Times of day and ranges: `2-5pm`, `10:00 AM - 4:00 PM`, `14:00–17:00`, `noon to 3pm`.

A range whose start has no am/pm borrows the end's, unless that would put the start
after the end (`11-2pm` is 11am to 2pm). A range ending at or before its start runs past
midnight (`10pm-1am`). With no am/pm anywhere (`2-5`) the hours are read as a working
day would have them, and the caller warns that it guessed.
"""

import re
from dataclasses import dataclass

from .dates import Unreadable

DAY = 24 * 60
LONGEST_OVERNIGHT = 12 * 60


def _time_pattern(prefix: str) -> str:
    return (
        rf"(?:\b(?P<{prefix}hour>\d{{1,2}})(?:[:.](?P<{prefix}minute>\d{{2}}))?\s*(?P<{prefix}meridiem>am|pm|a|p)?\b"
        rf"|\b(?P<{prefix}word>noon|midday|midnight)\b)"
    )


_RANGE = re.compile(_time_pattern("start") + r"\s*(?:-|to|until|till|til|thru|through|and)\s*" + _time_pattern("end"))
_SINGLE = re.compile(_time_pattern("start"))


class EndsBeforeStart(Unreadable):
    """`5pm-2pm`: read as overnight it would last most of a day, so it is a slip instead."""


@dataclass(frozen=True)
class ClockTime:
    hour: int
    minute: int
    meridiem: str | None  # "am", "pm" or None
    word: str | None  # "noon", "midday", "midnight" or None
    two_digit: bool  # "09:00" and "10:30" are written on a 24-hour clock

    def fixed(self) -> int | None:
        """Minutes after midnight when the time says which half of the day it means."""
        if self.word:
            return 0 if self.word == "midnight" else 12 * 60
        if self.minute > 59:
            raise Unreadable("minute out of range")
        if self.meridiem:
            if not 1 <= self.hour <= 12:
                raise Unreadable("hour out of range")
            return self.candidates()[self.meridiem == "pm"]
        if self.hour >= 13 or self.hour == 0 or self.two_digit:
            if self.hour > 23:
                raise Unreadable("hour out of range")
            return self.hour * 60 + self.minute
        return None

    def candidates(self) -> tuple[int, int]:
        """The am and pm readings of a 1-12 hour."""
        morning = (self.hour % 12) * 60 + self.minute
        return morning, morning + 12 * 60

    def working_hours_guess(self) -> int:
        """With no am/pm anywhere, 8-12 is the morning and 1-7 the afternoon, as at a studio."""
        morning, afternoon = self.candidates()
        return morning if 8 <= self.hour <= 12 else afternoon


@dataclass(frozen=True)
class ClockRange:
    """Minutes after the line's midnight; `end` may pass 24:00 for an overnight session."""

    start: int
    end: int | None
    guessed: bool


def take_clock_times(text: str) -> tuple[list[ClockRange], str]:
    """Every range and single time in lower-case `text`, and the text without them.

    A single time needs am/pm, minutes or a word (`2pm`, `14:00`, `noon`); a bare `2`
    is left behind, for the caller to reject.
    """
    found: list[ClockRange] = []
    for pattern in (_RANGE, _SINGLE):
        kept = []
        for match in pattern.finditer(text):
            if pattern is _RANGE or _says_time(match):
                found.append(_resolve(match))
                kept.append(match.span())
        text = _blank_out(text, kept)
    return found, text


def mentions_clock_time(text: str) -> bool:
    """Whether lower-case `text` holds a time `take_clock_times` would take (or refuse as
    unreadable): the same matches, without reading them. For splitting lines, which asks often."""
    return _RANGE.search(text) is not None or any(_says_time(match) for match in _SINGLE.finditer(text))


def _says_time(match: re.Match[str]) -> bool:
    return bool(match.group("startmeridiem") or match.group("startminute") or match.group("startword"))


def _blank_out(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in reversed(spans):
        text = text[:start] + " " + text[end:]
    return text


def _clock_time(match: re.Match[str], prefix: str) -> ClockTime:
    hour_text = match.group(f"{prefix}hour") or "0"
    meridiem = match.group(f"{prefix}meridiem")
    return ClockTime(
        hour=int(hour_text),
        minute=int(match.group(f"{prefix}minute") or 0),
        meridiem=(meridiem[0] + "m") if meridiem else None,
        word=match.group(f"{prefix}word"),
        two_digit=len(hour_text) == 2 and (hour_text.startswith("0") or match.group(f"{prefix}minute") is not None),
    )


def _resolve(match: re.Match[str]) -> ClockRange:
    start = _clock_time(match, "start")
    end = _clock_time(match, "end") if match.re is _RANGE else None
    start_minutes, end_minutes = start.fixed(), end.fixed() if end else None
    guessed = start_minutes is None and end_minutes is None
    if start_minutes is None:
        start_minutes = start.working_hours_guess() if guessed else _start_before(start, end_minutes)
    if end is not None and end_minutes is None:
        end_minutes = _end_after(end, start_minutes)
    if end_minutes is not None and end_minutes <= start_minutes:
        end_minutes += DAY
        if end_minutes - start_minutes > LONGEST_OVERNIGHT:
            raise EndsBeforeStart("ends before it starts")
    return ClockRange(start_minutes, end_minutes, guessed)


def _start_before(start: ClockTime, end_minutes: int | None) -> int:
    """`11-2pm`: the latest reading before the end; none before it means the range is overnight."""
    candidates = start.candidates()
    if end_minutes is None:
        return start.working_hours_guess()
    before = [minutes for minutes in candidates if minutes < end_minutes]
    return max(before) if before else max(candidates)


def _end_after(end: ClockTime, start_minutes: int) -> int:
    """`2pm-5`: the earliest reading after the start."""
    candidates = end.candidates()
    after = [minutes for minutes in candidates if minutes > start_minutes]
    return min(after) if after else min(candidates)


def describe_clock(minutes: int) -> str:
    """`14:30` -> `2:30 PM`, the way the manager reads times."""
    hour, minute = divmod(minutes % DAY, 60)
    return f"{(hour % 12) or 12}:{minute:02d} {'AM' if hour < 12 else 'PM'}"
