"""Shared by the parsing tests: the studio's catalog, a fixed clock and a parse helper."""

from datetime import UTC, datetime
from pathlib import Path

from bookings.parsing import InstrumentCatalog, ParsedOrder, parse_order
from musicians.seed_data import ALIASES, INSTRUMENTS

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
STUDIO_ZONE = "America/New_York"
EMAILS = Path(__file__).parent / "emails"

CANONICAL = """\
Client name: Jane Doe
Client email: jane@example.com
Song: Fly Me to the Moon
Instruments: drums, bass guitar, keys, 2 violins
Session length: 3 hours
Time zone: Eastern
Available times:
- Saturday, December 5, 2026, 2-5pm
- 12/6/2026 10:00 AM - 4:00 PM
MP3: https://example.com/guide.mp3
Video: https://youtu.be/xyz
Other links: https://example.com/chart.pdf, https://example.com/lyrics
Notes: Please bring a 5-string.
Second line of notes.
"""


def studio_catalog() -> InstrumentCatalog:
    return InstrumentCatalog(INSTRUMENTS, ALIASES)


def parse(
    body_plain: str = "",
    *,
    body_html: str = "",
    subject: str = "",
    now: datetime = NOW,
    default_zone: str = STUDIO_ZONE,
) -> ParsedOrder:
    return parse_order(
        subject=subject,
        body_plain=body_plain,
        body_html=body_html,
        now=now,
        default_zone=default_zone,
        catalog=studio_catalog(),
    )


def order_with_times(*time_lines: str, length: str = "3 hours", zone: str = "") -> str:
    """A minimal valid email around the given time lines."""
    lines = ["Instruments: drums"]
    lines += [f"Session length: {length}"] if length else []
    lines += [f"Time zone: {zone}"] if zone else []
    return "\n".join([*lines, "Available times:", *time_lines])


def order_with_instruments(instruments: str) -> str:
    return f"Instruments: {instruments}\nSession length: 3 hours\nTimes: Dec 5, 2026 2-5pm"
