"""From an email body to clean lines: HTML to text, forwarding and quoting undone.

Mail clients decorate what the client typed: HTML, `>` quote markers, forwarded-message
header blocks, `*bold*` stars, non-breaking spaces. Everything here removes decoration
and nothing else, so the label reader sees the lines as the client wrote them.
"""

import re
from html.parser import HTMLParser

MAX_LINE_CHARS = 1_000
MAX_LINES = 2_000
# Far more than any order; stops a pasted novel from costing real time.
MAX_TEXT_CHARS = 500_000
MAX_HTML_CHARS = 2_000_000

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
_INVISIBLE = re.compile("[\x00\u200b\u200c\u200d\u2060\ufeff]")
_QUOTE_MARKERS = re.compile(r"^[ \t]*(?:>[ \t]*)+")
# A run of stars opening (before a word) or closing (after one) emphasis; `2*3` keeps its star.
_EMPHASIS = re.compile(r"(?<![\w*])\*+(?=[^\s*])|(?<=[^\s*])\*+(?![\w*])")
_BULLET = re.compile(r"^(?:[-*•–—·▪◦‣●○■□►▶➤→]+\s*|\(?\d{1,2}[.)]\s+)")
_FORWARD_MARKERS = frozenset({"forwarded message", "original message", "begin forwarded message"})
_FORWARD_HEADERS = frozenset({"from", "date", "sent", "subject", "to", "cc", "bcc", "reply-to"})
_HEADER_NAME = re.compile(r"^([A-Za-z-]{2,10})\s*:")


def clean_text(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """Unify line endings and spaces, and drop characters no database or regex should meet."""
    text = text[:limit]
    # Lone surrogates (from JSON "\ud800") cannot be stored or encoded; NUL cannot be stored.
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = _INVISIBLE.sub("", text).translate(_SPACES)
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
    # Stars go before forwarding is undone: Outlook writes forwarded headers as "*From:* Jane".
    undecorated = [_EMPHASIS.sub("", _QUOTE_MARKERS.sub("", line)) for line in kept]
    return [line.strip() for line in _drop_forwarding(undecorated)], warnings


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


def html_to_text(html: str) -> str:
    """Visible text of an HTML body, one line per block element, `<br>` or list item."""
    collector = _TextCollector()
    try:
        collector.feed(html[:MAX_HTML_CHARS])
        collector.close()
    except AssertionError:
        # The stdlib parser asserts on some malformed markup (`<![foo[`); keep what it read.
        pass
    return "\n".join(collector.finish())


_BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset", "figcaption"}
    | {"figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main"}
    | {"nav", "ol", "p", "pre", "section", "table", "tbody", "tfoot", "thead", "tr", "ul"}
)
_HIDDEN_TAGS = frozenset({"script", "style", "head", "title", "template", "noscript"})
_WHITESPACE = re.compile(r"\s+")


class _TextCollector(HTMLParser):
    """Collects text; block boundaries end a line once, `<br>` always ends one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current = ""
        self.hidden_depth = 0
        self.pre_depth = 0
        self.link: str | None = None
        self.link_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden_depth += 1
        elif tag == "br":
            self._end_line(keep_empty=True)
        elif tag in _BLOCK_TAGS:
            self._end_line(keep_empty=False)
            self.pre_depth += tag == "pre"
            self.current += "- " if tag == "li" else ""
        elif tag in ("td", "th"):
            self.current += " "
        elif tag == "a":
            self._start_link(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden_depth = max(0, self.hidden_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.pre_depth = max(0, self.pre_depth - (tag == "pre"))
            self._end_line(keep_empty=False)
        elif tag == "a":
            self._end_link()

    def handle_data(self, data: str) -> None:
        if self.hidden_depth:
            return
        if self.pre_depth:
            first, *rest = data.split("\n")
            self.current += first
            for line in rest:
                self._end_line(keep_empty=True)
                self.current = line
            return
        self.current += _WHITESPACE.sub(" ", data)
        self.link_text += data

    def _start_link(self, href: str) -> None:
        href = href.strip()
        self.link = href if href.lower().startswith(("http://", "https://", "mailto:")) else None
        self.link_text = ""

    def _end_link(self) -> None:
        """A link whose text hides its address (`<a href=…mp3>guide</a>`) keeps the address."""
        target = self.link[7:] if self.link and self.link.lower().startswith("mailto:") else self.link
        if target and target not in self.link_text:
            self.current += f" {target}"
        self.link = None

    def _end_line(self, *, keep_empty: bool) -> None:
        if keep_empty or self.current.strip():
            self.lines.append(self.current.strip())
        self.current = ""

    def finish(self) -> list[str]:
        self._end_line(keep_empty=False)
        return self.lines
