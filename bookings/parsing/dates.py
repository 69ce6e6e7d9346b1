"""Calendar dates as clients write them: `Saturday, December 5, 2026`, `12/5`, `2026-12-05`."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Years a studio booking could mean; anything else is a typo, and keeps date arithmetic in range.
_YEARS = range(1900, 2201)
_ORDINAL = r"(?:st|nd|rd|th)?"
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
# Most specific first; each expects lower-case text.
_ISO_DATE = re.compile(r"\b(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})\b")
# `25.12.2026` is written day first wherever dots are used.
_DOTTED_DATE = re.compile(r"\b(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})\b")
# `12/5` is month first in the US and day first almost everywhere else: see `NumericOrder`.
_NUMERIC_DATES = (
    re.compile(r"\b(?P<month>\d{1,2})-(?P<day>\d{1,2})-(?P<year>\d{4})\b"),
    re.compile(r"\b(?P<month>\d{1,2})/(?P<day>\d{1,2})(?:/(?P<year>\d{4}|\d{2}))?\b"),
)
_DATE_PATTERNS = (
    _ISO_DATE,
    _DOTTED_DATE,
    *_NUMERIC_DATES,
    re.compile(rf"\b(?P<day>\d{{1,2}}){_ORDINAL}(?:\s+of)?[\s,]+{_MONTH}(?:[\s,]+(?P<year>\d{{4}})\b)?"),
    re.compile(rf"\b{_MONTH}[\s,]*(?P<day>\d{{1,2}}){_ORDINAL}\b(?:[\s,]+(?P<year>\d{{4}})\b)?"),
)
_WEEKDAY = re.compile(
    r"\b(monday|mon|tuesday|tues|tue|wednesday|weds|wed|thursday|thurs|thur|thu"
    r"|friday|fri|saturday|sat|sunday|sun)\b\.?"
)
_WEEKDAY_INDEX = {name[:3].lower(): index for index, name in enumerate(WEEKDAY_NAMES)}


_RELATIVE_DAY = re.compile(
    r"\b(?:(?P<word>today|tonight|tomorrow|tmrw|day after tomorrow)"
    r"|(?P<which>this|next|coming)\s+(?P<weekday>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?)(?![a-z])"
)


class Unreadable(Exception):
    """This line cannot be read as a time."""


@dataclass(frozen=True)
class NumericOrder:
    """How to read `5/12`: month first (the studio's US habit) unless the email shows otherwise.

    `warn` is set when the other reading was just as likely (the email is in a zone
    outside the Americas, or its other dates put the day first), so the reading chosen
    is stated in a warning rather than guessed silently.
    """

    day_first: bool = False
    warn: bool = False


@dataclass(frozen=True)
class DayReading:
    day: date | None
    rest: str  # the text without the date
    note: str | None = None  # how an ambiguous date was read, for a warning


def numeric_order(lines: list[str], *, zone_is_american: bool) -> NumericOrder:
    """How this email writes `5/12`: as its other dates show (`25/12` is day first, `12/25`
    month first), else as its zone's country does (month first in the Americas)."""
    day_first = month_first = False
    for line in lines:
        for pattern in _NUMERIC_DATES:
            for match in pattern.finditer(line):
                first, second = int(match.group("month")), int(match.group("day"))
                day_first |= first > 12 >= second
                month_first |= second > 12 >= first
    if day_first != month_first:
        # The email has shown its habit; reading the rest that way is still worth saying.
        return NumericOrder(day_first=day_first, warn=day_first or not zone_is_american)
    return NumericOrder(day_first=not zone_is_american, warn=not zone_is_american)


def describe_date(day: date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()]}, {MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"


def take_date(text: str, today: date, order: NumericOrder | None = None) -> DayReading:
    """The one date in lower-case `text` (None if there is none) and the text without it.

    A date without a year is its next occurrence on or after `today`. Raises Unreadable
    for an impossible date or a second date on the same line.
    """
    match = _first_date(text)
    if match is None:
        return DayReading(None, text)
    rest = text[: match.start()] + " " + text[match.end() :]
    if _first_date(rest):
        raise Unreadable("two dates on one line")
    month, day, note = _month_and_day(match, order or NumericOrder())
    return DayReading(_date_from(match, month, day, today), rest, note)


def take_relative_day(text: str, today: date) -> DayReading:
    """`today`, `tomorrow`, `this Friday`, `next Friday` in lower-case `text`, as a date.

    "This Friday" is the coming Friday (today, if today is one). "Next Friday" is read
    as the first Friday after today, and the note says so: some clients mean the week after.
    """
    match = _RELATIVE_DAY.search(text)
    if match is None:
        return DayReading(None, text)
    rest = text[: match.start()] + " " + text[match.end() :]
    word = match.group("word")
    if word:
        offsets = {"today": 0, "tonight": 0, "tomorrow": 1, "tmrw": 1, "day after tomorrow": 2}
        return DayReading(today + timedelta(days=offsets[word]), rest)
    weekday = _WEEKDAY_INDEX[match.group("weekday")]
    if match.group("which") == "next":
        day = next_weekday(today + timedelta(days=1), weekday)
        return DayReading(day, rest, f'"{match.group(0).strip()}" was read as {describe_date(day)}')
    return DayReading(next_weekday(today, weekday), rest)


def mentions_day(text: str) -> bool:
    """Whether lower-case `text` names a day: a date, a weekday, or a day like "tomorrow"."""
    return bool(_first_date(text) or _RELATIVE_DAY.search(text) or _WEEKDAY.search(text))


def next_weekday(start: date, weekday: int) -> date:
    """The first day on or after `start` that falls on `weekday` (0 = Monday)."""
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def _first_date(text: str) -> re.Match[str] | None:
    return next((match for pattern in _DATE_PATTERNS if (match := pattern.search(text))), None)


def _month_and_day(match: re.Match[str], order: NumericOrder) -> tuple[int, int, str | None]:
    """The month and day a date means, and a note when `5/12` could have meant either."""
    month_text, day = match.group("month"), int(match.group("day"))
    if not month_text.isdigit():
        return _month_number(month_text), day, None
    month = int(month_text)
    if match.re not in _NUMERIC_DATES:
        return month, day, None
    if month > 12 >= day:  # 25/12 can only be day first
        return day, month, None
    if month == day or month > 12 or day > 12:
        return month, day, None
    if order.day_first:
        month, day = day, month
    # Said the way the reading was made: "5 December" when read day first, "May 12" if not.
    shown = f"{day} {MONTH_NAMES[month - 1]}" if order.day_first else f"{MONTH_NAMES[month - 1]} {day}"
    return month, day, (f'"{match.group(0)}" was read as {shown}' if order.warn else None)


def _date_from(match: re.Match[str], month: int, day: int, today: date) -> date:
    year_text = match.group("year")
    if year_text is None:
        return _next_occurrence(month, day, today)
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    if year not in _YEARS:
        raise Unreadable("year out of range")
    try:
        return date(year, month, day)
    except ValueError as error:
        raise Unreadable(str(error)) from error


def _month_number(text: str) -> int:
    return next(index for index, name in enumerate(MONTH_NAMES, 1) if name.lower().startswith(text[:3]))


def _next_occurrence(month: int, day: int, today: date) -> date:
    # Nine years cover February 29 after a skipped leap year (2096 -> 2104).
    for year in range(today.year, today.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise Unreadable("no such date")


def take_weekday(text: str) -> tuple[int | None, str]:
    """The weekday named in lower-case `text` (0 = Monday), and the text without weekday names."""
    match = _WEEKDAY.search(text)
    weekday = _WEEKDAY_INDEX[match.group(1)[:3]] if match else None
    return weekday, _WEEKDAY.sub(" ", text)
