"""A sample order email in the canonical format, with times that are still ahead."""

import datetime as dt
import secrets
from zoneinfo import ZoneInfo


def _next_weekday(today: dt.date, weekday: int) -> dt.date:
    days = (weekday - today.weekday()) % 7 or 7
    return today + dt.timedelta(days=days)


def sample_order_email(*, now: dt.datetime, time_zone: str) -> dict[str, str]:
    """The JSON a Zap would post for a typical order: next Saturday and Sunday."""
    today = now.astimezone(ZoneInfo(time_zone)).date()
    saturday = _next_weekday(today, 5)
    sunday = saturday + dt.timedelta(days=1)
    body = "\n".join(
        [
            "Client name: Jane Doe",
            "Client email: jane@example.com",
            "Song: Fly Me to the Moon",
            "Instruments: drums, bass guitar, keys",
            "Session length: 3 hours",
            "Time zone: Eastern",
            "Available times:",
            f"- {saturday:%A, %B} {saturday.day}, {saturday.year}, 2-5pm",
            f"- {sunday:%A, %B} {sunday.day}, {sunday.year}, 6-9pm",
            "MP3: https://example.com/fly-me-guide.mp3",
            "Video: https://example.com/fly-me-reference",
            "Notes: Swing feel, about 120 bpm. Charts will be on the stand.",
        ]
    )
    return {
        "subject": "New custom track order: Fly Me to the Moon",
        "from": "Custom Tracks <orders@custom-tracks.example>",
        "body_plain": body,
        "message_id": f"<sample-{secrets.token_hex(6)}@custom-tracks.example>",
    }
