"""An HTML body to its visible lines, in time proportional to its length.

The stdlib `HTMLParser` rescans unfinished markup on every chunk, so 100 KB of broken
tags (`"<a " * 25000`) costs it tens of seconds. This reader walks the markup once:
every search starts where the last one stopped, the next `>` is remembered rather than
searched for again, and at most `MAX_HTML_TAGS` tags are looked at. It understands only
what an order needs: which tags end a line, which hide text, table cells, bold labels
and link targets.

Form plugins lay their fields out as tables (Jotform: label and value side by side;
Gravity Forms and WPForms: a bold label row, then a value row) or definition lists. So
cells on one row are joined by a tab, which the label reader takes as a separator, and
a line that is wholly bold (or a `<dt>`, `<th>` or heading) ends in a colon, so that it
reads as a label whose value is on the next line. `<hr>` becomes a line of dashes.
"""

import re
from html import unescape

# Far more than any order needs (a long Outlook email has a few thousand tags); the
# lines match the plain-text reader's limit, so nothing past them would be read anyway.
MAX_HTML_CHARS = 500_000
MAX_HTML_TAGS = 5_000
MAX_HTML_LINES = 2_000
MAX_LABEL_CHARS = 80
CELL_SEPARATOR = "\t"

HTML_TOO_LONG_WARNING = "Only the start of a very long HTML email was read."

_BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset", "figcaption"}
    | {"figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main"}
    | {"nav", "ol", "p", "pre", "section", "table", "tbody", "tfoot", "thead", "tr", "ul"}
)
_HIDDEN_TAGS = frozenset({"script", "style", "head", "title", "template", "noscript", "xml"})
# Text inside these reads as a label when it fills its line (a heading ends the field
# before it, like any label the order does not use).
_LABEL_TAGS = frozenset({"b", "strong", "th", "dt", "h1", "h2", "h3", "h4", "h5", "h6"})
# A horizontal rule is drawn as one, so the line reader sees where a footer starts.
HR_LINE = "-----"
_CELL_TAGS = frozenset({"td", "th"})
_MARKUP_START = re.compile(r"<[a-zA-Z/!?]")
_TAG_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9:-]{0,30})")
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
# An attribute list longer than this is junk; the href is looked for only in its start.
_MAX_ATTRIBUTE_CHARS = 4_000


def html_to_text(html: str) -> str:
    """Visible text of an HTML body, one line per block element, `<br>` or list item."""
    return "\n".join(read_html(html)[0])


def read_html(html: str) -> tuple[list[str], list[str]]:
    """The body's visible lines, and a warning if only its start was read."""
    collector = _TextCollector()
    truncated = _walk(html[:MAX_HTML_CHARS], collector) or len(html) > MAX_HTML_CHARS
    return collector.finish(), [HTML_TOO_LONG_WARNING] if truncated else []


def _walk(html: str, collector: "_TextCollector") -> bool:
    """Feed text and tags to the collector; True if it stopped at the tag or line limit."""
    lowered = html.lower()
    position, tags, next_close = 0, 0, -1
    while position < len(html):
        if len(collector.lines) >= MAX_HTML_LINES:
            return True
        # "a < b" and "<3" are text: only "<" before a letter, "/", "!" or "?" opens markup.
        opening_match = _MARKUP_START.search(html, position)
        if opening_match is None:
            collector.text(html[position:])
            break
        opening = opening_match.start()
        collector.text(html[position:opening])
        if next_close < opening:
            next_close = html.find(">", opening)
        if next_close < 0:
            # A tag left open runs to the end of the body; a browser shows none of it.
            break
        tags += 1
        if tags > MAX_HTML_TAGS:
            return True
        position = _one_tag(html, lowered, opening, next_close, collector)
    return False


def _one_tag(html: str, lowered: str, opening: int, close: int, collector: "_TextCollector") -> int:
    """Read the markup starting at `opening`; return where the text after it starts."""
    if lowered.startswith("<!--", opening):
        end = lowered.find("-->", opening + 4)
        return len(html) if end < 0 else end + 3
    if lowered.startswith(("<!", "<?"), opening):
        return close + 1
    name_match = _TAG_NAME.match(html, opening)
    if name_match is None:  # "</ " or "</3"
        collector.text("</")
        return opening + 2
    name = name_match.group(1).lower()
    if html.startswith("</", opening):
        collector.end_tag(name)
        return close + 1
    collector.start_tag(name, html[name_match.end() : min(close, name_match.end() + _MAX_ATTRIBUTE_CHARS)])
    if name in _HIDDEN_TAGS and not html.startswith("/>", close - 1):
        # Skip the hidden element's content in one search, not tag by tag.
        end = lowered.find(f"</{name}", close)
        collector.end_tag(name)
        return len(html) if end < 0 else end
    return close + 1


class _TextCollector:
    """Collects text; block boundaries end a line once, `<br>` always ends one."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current = ""
        self.pre_depth = 0
        self.label_depth = 0
        self.label_text = False  # the line has text inside a label tag
        self.plain_text = False  # the line has text outside any label tag
        self.cells_in_row = 0
        self.link: str | None = None
        self.link_text = ""

    def start_tag(self, tag: str, attributes: str) -> None:
        if tag == "br":
            self._end_line(keep_empty=True)
        elif tag == "hr":
            self._end_line(keep_empty=False)
            self.lines.append(HR_LINE)
        elif tag in _BLOCK_TAGS:
            self._end_line(keep_empty=False)
            self.pre_depth += tag == "pre"
            self.cells_in_row = 0 if tag == "tr" else self.cells_in_row
            self.current += "- " if tag == "li" else ""
        elif tag == "a":
            self._start_link(attributes)
        if tag in _CELL_TAGS:
            self._start_cell()
        if tag in _LABEL_TAGS:
            self.label_depth += 1

    def end_tag(self, tag: str) -> None:
        if tag in _LABEL_TAGS:
            self.label_depth = max(0, self.label_depth - 1)
        if tag in _BLOCK_TAGS:
            self.pre_depth = max(0, self.pre_depth - (tag == "pre"))
            self._end_line(keep_empty=False)
        elif tag == "a":
            self._end_link()

    def text(self, raw: str) -> None:
        if not raw:
            return
        data = unescape(raw)
        if self.pre_depth:
            first, *rest = data.split("\n")
            self._add(first)
            for line in rest:
                self._end_line(keep_empty=True)
                self._add(line)
            return
        self._add(_WHITESPACE.sub(" ", data))
        if self.link is not None:
            self.link_text += data

    def _add(self, text: str) -> None:
        if text.strip():
            if self.label_depth:
                self.label_text = True
            else:
                self.plain_text = True
        self.current += text

    def _start_cell(self) -> None:
        """The second and later cells of a row follow a tab (after a colon, a space will do)."""
        self.cells_in_row += 1
        if self.cells_in_row > 1 and self.current.strip():
            self.current = self.current.rstrip() + (" " if self.current.rstrip().endswith(":") else CELL_SEPARATOR)

    def _start_link(self, attributes: str) -> None:
        match = _HREF.search(attributes)
        href = unescape(next((group for group in match.groups() if group is not None), "")) if match else ""
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
        line = self.current.strip(" \t")
        if self.label_text and not self.plain_text and len(line) <= MAX_LABEL_CHARS:
            line = _as_label(line)
        if keep_empty or line:
            self.lines.append(line)
        self.current = ""
        self.label_text = self.plain_text = False

    def finish(self) -> list[str]:
        self._end_line(keep_empty=False)
        return self.lines


def _as_label(line: str) -> str:
    """`<b>Instruments</b>` on its own line is a label: give it the colon the reader expects."""
    already_labelled = any(mark in line for mark in (":", "：", "?", CELL_SEPARATOR))
    # Digits or a bullet mean a bold value (a time, an instrument in a list), not a label.
    if not line or already_labelled or line.startswith("- ") or any(char.isdigit() for char in line):
        return line
    return line + ":"
