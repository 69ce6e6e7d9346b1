"""Candidate-time lines to UTC windows, each bad line explained in a sentence.

A line is read in the zone it names, else the email's zone. Wall-clock times that the
zone skips (spring forward) are refused; times it repeats (fall back) take the first,
daylight-saving, reading.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .clock import ClockRange, EndsBeforeStart, describe_clock, mentions_clock_time, take_clock_times
from .dates import (
    WEEKDAY_NAMES,
    NumericOrder,
    Unreadable,
    describe_date,
    mentions_day,
    next_weekday,
    numeric_order,
    take_date,
    take_relative_day,
    take_weekday,
)
from .durations import describe_minutes
from .result import Window
from .zones import ZoneMention, find_zones

MAX_SOURCE_CHARS = 500
# An order offers a handful of times; more than this is a paste gone wrong, and each
# window becomes sessions the planner must check against every musician.
MAX_WINDOWS = 50
# The planner cuts each window into back-to-back sessions; 15-minute sessions in 50 long
# windows would be thousands of candidate times.
MAX_SESSIONS = 200
MAX_TIME_LINES = 200
# Zones whose clients write `12/5` month first. UTC names no country, so the studio's
# own (US) habit applies to it.
_MONTH_FIRST_AREAS = ("America/", "US/", "Canada/", "Pacific/Honolulu", "UTC")

_DASHES = str.maketrans({"–": "-", "—": "-", "−": "-", "‐": "-", "‑": "-", "~": "-"})
_DOTTED_MERIDIEM = re.compile(r"\b([ap])\.m\b\.?")
_ISO_T = re.compile(r"(\d)t(\d)")
# Pieces end after their separator, so joining them gives the line back exactly.
_LIST_SEPARATOR = re.compile(r"(?<=[,;|])")
_TWELVE_WORD = re.compile(r"\b12\s*(noon|midnight)\b")
# `14h-17h`, `14h30`, `9h30` (French and much of Europe) are 24-hour clock times. A lone
# `3h` is left alone: on a time line it is more likely a length ("2-5pm (3h)").
_H_HOUR = r"\b([01]?\d|2[0-3])h([0-5]\d)?\b"
_H_STYLE_RANGE = re.compile(_H_HOUR + r"(\s*-\s*)" + _H_HOUR)
_H_STYLE_MINUTES = re.compile(r"\b([01]?\d|2[0-3])h([0-5]\d)\b")


@dataclass(frozen=True)
class TimeContext:
    now: datetime
    zone_name: str  # the email's zone: its `Time zone:` line, else the studio's
    session_minutes: int | None


@dataclass
class WindowReading:
    windows: list[Window] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # bad lines: errors only if no window is usable
    errors: list[str] = field(default_factory=list)  # always stop the order (unknown zones)
    warnings: list[str] = field(default_factory=list)


def quote(text: str, limit: int = 200) -> str:
    """Text for a message: whole if short, else cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unknown_zone_error(written: str) -> str:
    return f'Unknown time zone "{quote(written, 60)}". Use a name like "Eastern" or "America/New_York".'


def read_windows(lines: list[str], context: TimeContext) -> WindowReading:
    """Every window on the time lines, sorted by start, each distinct start/end once."""
    reading = WindowReading()
    if len(lines) > MAX_TIME_LINES:
        reading.warnings.append(f"Only the first {MAX_TIME_LINES} time lines were read.")
    lines = _time_lines([line.strip()[:MAX_SOURCE_CHARS] for line in lines[:MAX_TIME_LINES]])
    order = numeric_order(lines, zone_is_american=context.zone_name.startswith(_MONTH_FIRST_AREAS))
    for line in lines:
        _read_line(line, context, order, reading)
    unique = {(window.starts_at, window.ends_at): window for window in reversed(reading.windows)}
    reading.windows = sorted(unique.values(), key=lambda window: (window.starts_at, window.ends_at))
    if len(reading.windows) > MAX_WINDOWS:
        reading.warnings.append(
            f"The email offers {len(reading.windows)} times; only the first {MAX_WINDOWS} were used."
        )
        reading.windows = reading.windows[:MAX_WINDOWS]
    if context.session_minutes:
        _cap_sessions(reading, context.session_minutes)
    return reading


def _cap_sessions(reading: WindowReading, session_minutes: int) -> None:
    """Keep the earliest windows whose sessions add up to at most MAX_SESSIONS."""
    session = timedelta(minutes=session_minutes)
    counts = [(window.ends_at - window.starts_at) // session for window in reading.windows]
    if sum(counts) <= MAX_SESSIONS:
        return
    kept, total = 0, 0
    while kept < len(counts) and total + counts[kept] <= MAX_SESSIONS:
        total += counts[kept]
        kept += 1
    reading.warnings.append(
        f"The times hold {sum(counts)} sessions of {describe_minutes(session_minutes)}; only the first "
        f"{kept} times ({total} sessions) were used, as one order can offer at most {MAX_SESSIONS}."
    )
    reading.windows = reading.windows[:kept]


def _time_lines(lines: list[str]) -> list[str]:
    """One line per day: `Dec 21 2-5pm, Dec 22 2-5pm` is split; a day alone on its line
    takes the hours on the next one (`Date: Dec 21` then `Time: 2-5pm`)."""
    split = [segment for line in lines for segment in _split_at_days(line)]
    joined: list[str] = []
    day_alone = False  # the last joined line names a day and no hours (each line is normalised once)
    for line in split:
        current = _normalise(line)
        if day_alone and mentions_clock_time(current) and not mentions_day(current):
            joined[-1] = f"{joined[-1]} {line}"
            current = _normalise(joined[-1])
        else:
            joined.append(line)
        day_alone = bool(current) and mentions_day(current) and not mentions_clock_time(current)
    return joined


def _split_at_days(line: str) -> list[str]:
    """`a, b` or `a; b` where each part has its own day and hours; `Saturday, Dec 5, 2-5pm` stays whole."""
    if not _LIST_SEPARATOR.search(line):
        return [line]
    segments: list[str] = []
    current = ""
    for piece in _LIST_SEPARATOR.split(line):
        current += piece
        if not mentions_clock_time(_normalise(piece)):
            continue
        if segments and not mentions_day(_normalise(current)):
            segments[-1] += current  # "Dec 5 10am-1pm, 2-5pm": more hours on the same day
        else:
            segments.append(current)
        current = ""
    if not segments:
        return [line]
    segments[-1] += current
    return [segment.strip(" ,;|") for segment in segments]


def _read_line(source: str, context: TimeContext, order: NumericOrder, reading: WindowReading) -> None:
    mentions = find_zones(source)
    unknown = [mention.written for mention in mentions if mention.name is None]
    if unknown:
        reading.errors.extend(unknown_zone_error(written) for written in unknown)
        return
    zone_name, text = _apply_zone(source, [m for m in mentions if m.name], context.zone_name)
    zone = ZoneInfo(zone_name)
    try:
        today = context.now.astimezone(zone).date()
        day, clocks = _read_day_and_clocks(_normalise(text), today, order, source, reading)
    except EndsBeforeStart:
        reading.problems.append(f'The time "{quote(source)}" ends before it starts.')
        return
    except Unreadable:
        reading.problems.append(f'Could not read a time on the line "{quote(source)}".')
        return
    if not clocks:
        reading.problems.append(f'No time of day on the line "{quote(source)}".')
    for clock in clocks:
        _add_window(day, clock, zone, context, source, reading)


def _apply_zone(source: str, mentions: list[ZoneMention], email_zone: str) -> tuple[str, str]:
    """The line's zone and its text without zone names.

    `2-5pm ET (11am-2pm PT)` names a second zone for a restatement of the same time:
    the text is cut before it, so the restatement is not read as another window.
    """
    if not mentions:
        return email_zone, source
    first = mentions[0]
    cut = len(source)
    second = next((mention for mention in mentions if mention.name != first.name), None)
    if second:
        has_time_before_zone = any(char.isdigit() for char in source[: first.start])
        cut = first.end if has_time_before_zone else second.start
    text = source[:cut]
    for mention in reversed([mention for mention in mentions if mention.end <= cut]):
        text = text[: mention.start] + " " + text[mention.end :]
    return first.name or email_zone, text


def _normalise(text: str) -> str:
    text = text.lower().translate(_DASHES).replace("o'clock", " ").replace("o’clock", " ")
    # Each rewrite only where its pattern could match (the lines of a long email are many).
    if ".m" in text:
        text = _DOTTED_MERIDIEM.sub(r"\1m", text)
    text = _ISO_T.sub(r"\1 \2", text)
    if "h" in text:
        text = _H_STYLE_RANGE.sub(
            lambda m: f"{_h_clock(m.group(1), m.group(2))}{m.group(3)}{_h_clock(m.group(4), m.group(5))}", text
        )
        text = _H_STYLE_MINUTES.sub(lambda m: _h_clock(m.group(1), m.group(2)), text)
    return _TWELVE_WORD.sub(r"\1", text) if "12" in text else text


def _h_clock(hour: str, minute: str | None) -> str:
    """`9`, `30` -> `09:30`: two hour digits, so the clock reader takes it as 24-hour."""
    return f"{int(hour):02d}:{minute or '00'}"


def _read_day_and_clocks(
    text: str, today: date, order: NumericOrder, source: str, reading: WindowReading
) -> tuple[date, list[ClockRange]]:
    relative = take_relative_day(text, today)
    written = take_date(relative.rest, today, order)
    weekday, text = take_weekday(written.rest)
    clocks, text = take_clock_times(text)
    # A digit nobody used means the line says something we did not understand.
    if any(char.isdigit() for char in text):
        raise Unreadable("numbers left over")
    if relative.day and written.day and relative.day != written.day:
        reading.warnings.append(
            f'The line "{quote(source)}" names two different days; {describe_date(written.day)} was used.'
        )
    day = _the_day(written.day or relative.day, weekday, today, source, reading)
    for note in (relative.note, written.note):
        if note:
            reading.warnings.append(f'On the line "{quote(source)}", {note}.')
    if weekday is not None and weekday != day.weekday():
        reading.warnings.append(
            f'The line "{quote(source)}" says {WEEKDAY_NAMES[weekday]}, but that date is '
            f"{describe_date(day)}; the date was used."
        )
    for clock in clocks:
        if clock.guessed:
            reading.warnings.append(_guess_warning(source, clock))
    return day, clocks


def _the_day(day: date | None, weekday: int | None, today: date, source: str, reading: WindowReading) -> date:
    """The date written, else the coming day of the weekday written (`Friday 2-5pm`)."""
    if day is not None:
        return day
    if weekday is None:
        raise Unreadable("no date")
    coming = next_weekday(today, weekday)
    if coming == today:
        reading.warnings.append(f'On the line "{quote(source)}", {WEEKDAY_NAMES[weekday]} was read as today.')
    return coming


def _guess_warning(source: str, clock: ClockRange) -> str:
    shown = describe_clock(clock.start)
    if clock.end is not None:
        shown += f" to {describe_clock(clock.end)}"
    return f'No am or pm on the line "{quote(source)}"; it was read as {shown}.'


def _add_window(
    day: date, clock: ClockRange, zone: ZoneInfo, context: TimeContext, source: str, reading: WindowReading
) -> None:
    problem, window = _window(day, clock, zone, context, source)
    if problem:
        reading.problems.append(problem)
    if window:
        reading.windows.append(window)


def _window(
    day: date, clock: ClockRange, zone: ZoneInfo, context: TimeContext, source: str
) -> tuple[str | None, Window | None]:
    quoted = quote(source)
    starts_at = _to_utc(day, clock.start, zone)
    ends_at = _window_end(day, clock, zone, starts_at, context.session_minutes)
    if starts_at is None or (clock.end is not None and ends_at is None):
        return f'The time "{quoted}" does not exist in {zone.key}, because the clocks go forward then.', None
    if ends_at is None:
        return f'The time "{quoted}" has no end time, and there is no session length to work one out.', None
    if ends_at <= starts_at:
        return f'The time "{quoted}" ends before it starts.', None
    if starts_at < context.now:
        return f'The time "{quoted}" is in the past.', None
    if context.session_minutes and ends_at - starts_at < timedelta(minutes=context.session_minutes):
        length = describe_minutes(context.session_minutes)
        return f'The time "{quoted}" is shorter than the session length ({length}).', None
    return None, Window(starts_at=starts_at, ends_at=ends_at, source_line=source)


def _window_end(
    day: date, clock: ClockRange, zone: ZoneInfo, starts_at: datetime | None, session_minutes: int | None
) -> datetime | None:
    """The given end, else one session after the start."""
    if clock.end is not None:
        return _to_utc(day, clock.end, zone)
    if starts_at is None or session_minutes is None:
        return None
    return starts_at + timedelta(minutes=session_minutes)


def _to_utc(day: date, minutes: int, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a wall-clock time, or None if the zone skips it."""
    local = datetime.combine(day, time(), tzinfo=zone) + timedelta(minutes=minutes)
    utc = local.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return utc
