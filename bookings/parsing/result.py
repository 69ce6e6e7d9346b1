"""What the parser hands back: the order, or every reason it could not read one."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class RequestedSeat:
    """One instrument the client asked for, and how many players of it."""

    instrument_slug: str
    count: int


@dataclass(frozen=True)
class Window:
    """A stretch of time the client can do, already converted to UTC."""

    starts_at: datetime
    ends_at: datetime
    source_line: str


@dataclass(frozen=True)
class ParsedOrder:
    client_name: str
    client_email: str
    song_title: str
    seats: tuple[RequestedSeat, ...]
    windows: tuple[Window, ...]
    session_minutes: int | None
    time_zone: str
    mp3_url: str
    video_url: str
    other_links: tuple[str, ...]
    notes: str
    warnings: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        """A JSON-safe copy (ISO 8601 datetimes, lists for tuples) to store with the email."""
        # Field by field, not asdict(): that deep-copies the windows' datetimes only to replace them.
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["windows"] = [_window_json(window) for window in self.windows]
        data["seats"] = [asdict(seat) for seat in self.seats]
        data["other_links"] = list(self.other_links)
        data["warnings"] = list(self.warnings)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ParsedOrder":
        """The order `as_json` stored, exactly (keys it did not write are left out)."""
        names = {f.name for f in fields(cls)}
        values = {name: value for name, value in data.items() if name in names}
        values["seats"] = tuple(RequestedSeat(**seat) for seat in data["seats"])
        values["windows"] = tuple(
            Window(datetime.fromisoformat(w["starts_at"]), datetime.fromisoformat(w["ends_at"]), w["source_line"])
            for w in data["windows"]
        )
        values["other_links"] = tuple(data["other_links"])
        values["warnings"] = tuple(data["warnings"])
        return cls(**values)


@dataclass(frozen=True)
class OrderDraft:
    """What an email gave, whole or not: `order` holds every field that was read (seats and
    windows that read, empty strings for what did not), `errors` why it cannot be booked as is."""

    order: ParsedOrder
    errors: tuple[str, ...]


def _window_json(window: Window) -> dict[str, str]:
    return {
        "starts_at": window.starts_at.isoformat(),
        "ends_at": window.ends_at.isoformat(),
        "source_line": window.source_line,
    }


# The errors are stored with the email and sent back in the webhook's response: an email
# naming thousands of unknown instruments once made a 12 MB response. Warnings are
# stored and shown the same way, so they have the same bounds.
MAX_ERRORS = 20
MAX_ERROR_CHARS = 300
MAX_WARNINGS = 20


class OrderParseError(Exception):
    """The email cannot become a booking. `errors` holds the reasons, each a sentence for the manager.

    At most MAX_ERRORS reasons, each at most MAX_ERROR_CHARS long; past the limit the
    last reason says how many more there were.
    """

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = capped_messages(errors, MAX_ERRORS, "problems")
        super().__init__(" ".join(self.errors))


def capped_messages(messages: Sequence[str], limit: int, kind: str) -> list[str]:
    """Each message once, at most MAX_ERROR_CHARS long; past `limit`, the last says how many more."""
    unique = [_shortened(message) for message in dict.fromkeys(messages)]
    if len(unique) <= limit:
        return unique
    hidden = len(unique) - (limit - 1)
    return [*unique[: limit - 1], f"…and {hidden} more {kind} like these."]


def _shortened(message: str) -> str:
    return message if len(message) <= MAX_ERROR_CHARS else message[: MAX_ERROR_CHARS - 1] + "…"
