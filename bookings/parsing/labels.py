"""Labelled lines: `Label: value`, with lists and notes running on over following lines."""

import re
from dataclasses import dataclass, field

from .text import is_bullet, strip_bullet

# Each field and the labels a client might write for it (matched ignoring case, spaces
# and punctuation). The first label is the one used in messages.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "client": ("Client name", "Client", "Name", "Customer", "Customer name", "Your name", "Full name"),
    "email": ("Client email", "Email", "E-mail", "Email address", "Customer email", "Your email"),
    "song": ("Song", "Song title", "Song name", "Track", "Track title", "Title"),
    "instruments": ("Instruments", "Instrument", "Musicians", "Instrumentation", "Players"),
    "length": ("Session length", "Length", "Duration", "Session", "Session duration"),
    "times": (
        "Available times",
        "Times",
        "Time",
        "Candidate times",
        "Dates",
        "Date",
        "Dates and times",
        "Date/time",
        "Availability",
        "When",
        "Session times",
        "Preferred times",
    ),
    "zone": ("Time zone", "Timezone", "TZ", "Zone"),
    "mp3": ("MP3", "Audio", "Demo", "MP3 link", "Audio link", "Demo link"),
    "video": ("Video", "YouTube", "Video link", "YouTube link"),
    "links": ("Other links", "Links", "Extra links", "Link", "Additional links"),
    "notes": ("Notes", "Note", "Comments", "Comment", "Message", "Details"),
}
LIST_FIELDS = frozenset({"instruments", "times", "links"})

_LABEL_LINE = re.compile(r"^([^\W\d_][\w .'/()&-]{0,40}?)\s*[:：]\s*(.*)$")
_NOT_ALNUM = re.compile(r"[\W_]+")
# "Instruments needed:", "Musicians required:" mean the plain label.
_LABEL_SUFFIXES = ("needed", "required", "requested", "wanted")


def _key(label: str) -> str:
    return _NOT_ALNUM.sub("", label.casefold())


_FIELD_BY_KEY = {_key(label): name for name, labels in SYNONYMS.items() for label in labels}


@dataclass
class LabelledText:
    """Each field's value lines, in order, and the label as the client wrote it."""

    values: dict[str, list[str]] = field(default_factory=dict)
    written_labels: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def first(self, name: str) -> str:
        return next((line for line in self.values.get(name, []) if line), "")

    def lines(self, name: str) -> list[str]:
        return [line for line in self.values.get(name, []) if line]


def match_label(line: str) -> tuple[str, str, str] | None:
    """(field, label as written, value) when the line starts with a known label."""
    match = _LABEL_LINE.match(strip_bullet(line))
    if not match:
        return None
    key = _key(match.group(1))
    for suffix in _LABEL_SUFFIXES:
        key = key.removesuffix(suffix) if key != suffix else key
    name = _FIELD_BY_KEY.get(key)
    return (name, match.group(1).strip(), match.group(2).strip()) if name else None


def read_labels(lines: list[str]) -> LabelledText:
    """Read every known label; the first occurrence of a label wins, repeats are warned about.

    A list label (instruments, times, links) runs on over the following lines until the
    next label, or a blank line that is not followed by a bullet. A single-value label
    with nothing after its colon takes the next non-blank line. Notes take every line up
    to the next label. Lines belonging to no label are ignored.
    """
    found = LabelledText()
    reader = _FieldReader(found)
    for line in lines:
        label = match_label(line)
        if label:
            reader.start(*label)
        else:
            reader.continue_with(line)
    if "notes" in found.values:
        found.values["notes"] = _trim_blank_lines(found.values["notes"])
    return found


def add_subject(found: LabelledText, subject: str) -> None:
    """A labelled subject (`Song: Fly Me to the Moon`) fills a field the body left out."""
    label = match_label(subject)
    if label and label[0] not in found.values and label[0] != "notes":
        name, written, value = label
        found.values[name] = [value]
        found.written_labels[name] = written


def _trim_blank_lines(lines: list[str]) -> list[str]:
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    end = len(lines) - next((i for i, line in enumerate(reversed(lines)) if line.strip()), len(lines))
    return lines[start:end]


class _FieldReader:
    """Tracks which field the current line belongs to."""

    def __init__(self, found: LabelledText) -> None:
        self.found = found
        self.name: str | None = None  # the field taking continuation lines, if any
        self.after_blank = False

    def start(self, name: str, written: str, value: str) -> None:
        if name in self.found.values:
            self.found.warnings.append(f'The label "{written}" appears more than once; the first was used.')
            self.name = None
            return
        self.found.values[name] = [value] if value else []
        self.found.written_labels[name] = written
        self.name = name if (name in LIST_FIELDS or name == "notes" or not value) else None
        self.after_blank = False

    def continue_with(self, line: str) -> None:
        if self.name is None:
            return
        values = self.found.values[self.name]
        if self.name == "notes":
            values.append(line)
        elif not line.strip():
            self.after_blank = True
        elif self.name in LIST_FIELDS:
            self._continue_list(values, line)
        else:
            values.append(strip_bullet(line))
            self.name = None

    def _continue_list(self, values: list[str], line: str) -> None:
        # After a blank line only another bullet keeps the list going; "Thanks, Jane" does not.
        if self.after_blank and values and not is_bullet(line):
            self.name = None
            return
        values.append(strip_bullet(line))
        self.after_blank = False
