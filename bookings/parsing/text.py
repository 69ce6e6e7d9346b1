"""From an email body to clean lines: forwarding, quoting and signatures undone.

Mail clients decorate what the client typed: `>` quote markers, forwarded-message
header blocks, `*bold*` stars, non-breaking spaces, signatures. Everything here removes
decoration and nothing else, so the label reader sees the lines as the client wrote
them. HTML is turned into lines first, by `markup`.
"""

import re

from .markup import html_to_text as html_to_text  # the tests and older callers import it from here

MAX_LINE_CHARS = 1_000
MAX_LINES = 2_000
# Far more than any order; stops a pasted novel from costing real time.
MAX_TEXT_CHARS = 500_000

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}

TOO_LONG_WARNING = "Only the start of a very long email was read."

_SPACES = str.maketrans({"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\t": " ", "\u3000": " "})
_SPACES_BUT_TABS = str.maketrans({"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u3000": " "})
_INVISIBLE = re.compile("[\x00\u200b\u200c\u200d\u2060\ufeff]")
_QUOTE_MARKERS = re.compile(r"^[ \t]*(?:>[ \t]*)+")
# A run of stars opening (before a word) or closing (after one) emphasis; `2*3` keeps its star.
_EMPHASIS = re.compile(r"(?<![\w*])\*+(?=[^\s*])|(?<=[^\s*])\*+(?![\w*])")
_BULLET = re.compile(r"^(?:[-*•–—·▪◦‣●○■□►▶➤→]+\s*|\(?\d{1,2}[.)]\s+)")
_FORWARD_MARKERS = frozenset({"forwarded message", "original message", "begin forwarded message"})
_FORWARD_HEADERS = frozenset({"from", "date", "sent", "subject", "to", "cc", "bcc", "reply-to"})
_MOBILE_SIGNATURE = re.compile(
    r"^(?:sent from (?:my \w+|mail for windows|yahoo mail|outlook)|get outlook for \w+)\b.{0,40}$", re.IGNORECASE
)
_HEADER_NAME = re.compile(r"^([A-Za-z-]{2,10})\s*:")


def clean_text(text: str, limit: int = MAX_TEXT_CHARS, *, keep_tabs: bool = False) -> str:
    """Unify line endings and spaces, and drop characters no database or regex should meet.

    `keep_tabs` is for email bodies, where a tab can separate a label from its value.
    """
    text = text[:limit]
    # Lone surrogates (from JSON "\ud800") cannot be stored or encoded; NUL cannot be stored.
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = _INVISIBLE.sub("", text).translate(_SPACES_BUT_TABS if keep_tabs else _SPACES)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def strip_bullet(line: str) -> str:
    """`- drums`, `• drums`, `1. drums`, `2) drums` -> `drums`."""
    return _BULLET.sub("", line.strip(), count=1).strip()


def is_bullet(line: str) -> bool:
    return _BULLET.match(line.strip()) is not None


def email_lines(text: str) -> tuple[list[str], list[str]]:
    """The body's lines, undecorated, and warnings about anything skipped for size."""
    warnings: list[str] = []
    raw = text.splitlines()
    if len(text) >= MAX_TEXT_CHARS or len(raw) > MAX_LINES:
        warnings.append(TOO_LONG_WARNING)
    raw = raw[:MAX_LINES]
    kept = [line for line in raw if len(line) <= MAX_LINE_CHARS]
    if len(kept) < len(raw):
        warnings.append(f"Skipped {len(raw) - len(kept)} line(s) longer than 1,000 characters.")
    quoted = [_QUOTE_MARKERS.match(line) is not None for line in kept]
    # Stars go before forwarding is undone: Outlook writes forwarded headers as "*From:* Jane".
    undecorated = [_undecorated(line) for line in kept]
    unsigned = _drop_signatures(undecorated, quoted)
    return [line.strip() for line in _drop_forwarding(unsigned)], warnings


def _undecorated(line: str) -> str:
    """The line without its quote markers and emphasis stars (each only where it could match)."""
    if ">" in line:
        line = _QUOTE_MARKERS.sub("", line)
    return _EMPHASIS.sub("", line) if "*" in line else line


def _drop_signatures(lines: list[str], quoted: list[bool]) -> list[str]:
    """Remove signature blocks and "Sent from my iPhone" lines.

    A signature runs from its `-- ` line to the end of its part of the email: a line
    quoted differently, a forwarding marker or a reply attribution starts the next part,
    which is where a reply's quoted order begins. Without this, a signature's
    "Email: bob@example.com" or phone number would be read as part of the order.
    """
    kept: list[str] = []
    signature_quoted: bool | None = None  # set while inside a signature
    for line, is_quoted in zip(lines, quoted, strict=True):
        stripped = line.strip()
        if stripped == "--":
            signature_quoted = is_quoted
            continue
        if signature_quoted is not None and not _starts_another_part(line, is_quoted, signature_quoted):
            continue
        signature_quoted = None
        if not _MOBILE_SIGNATURE.match(stripped):
            kept.append(line)
    return kept


def _starts_another_part(line: str, is_quoted: bool, signature_quoted: bool) -> bool:
    return (
        is_quoted != signature_quoted
        or _is_forward_marker(line)
        or _is_reply_attribution(line)
        or _header_name(line) == "from"
    )


def _drop_forwarding(lines: list[str]) -> list[str]:
    """Remove forwarding markers and the From/Date/Subject block that follows them.

    The header block matters: its `Date:` line would otherwise read as a candidate time.
    """
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if _is_forward_marker(line):
            index = _skip_header_block(lines, index + 1)
        elif _starts_header_block(lines, index):
            index = _skip_header_block(lines, index)
        else:
            if not _is_reply_attribution(line):
                kept.append(line)
            index += 1
    return kept


def _is_forward_marker(line: str) -> bool:
    return line.strip(" -_:*").lower() in _FORWARD_MARKERS


def _header_name(line: str) -> str | None:
    match = _HEADER_NAME.match(line.strip())
    name = match.group(1).lower() if match else None
    return name if name in _FORWARD_HEADERS else None


def _starts_header_block(lines: list[str], index: int) -> bool:
    """Outlook forwards without a marker: `From:` directly followed by `Sent:`/`To:`/..."""
    return (
        _header_name(lines[index]) == "from"
        and index + 1 < len(lines)
        and _header_name(lines[index + 1]) not in (None, "from")
    )


def _skip_header_block(lines: list[str], index: int) -> int:
    """The index of the first line after the header block starting at (or after blanks at) `index`."""
    while index < len(lines) and not lines[index].strip():
        index += 1
    while index < len(lines) and _header_name(lines[index]):
        index += 1
    return index


def _is_reply_attribution(line: str) -> bool:
    """`On Mon, Nov 16, 2026 at 9:00 AM Jane <jane@example.com> wrote:` carries a date we must not read."""
    stripped = line.strip()
    return stripped.lower().startswith("on ") and stripped.endswith("wrote:")
