"""Labelled lines, with lists and notes running on over following lines.

A label is joined to its value by a colon, an equals sign, a tab or a spaced dash
(`Label: value`, `Label = value`, `Label<tab>value`, `Label - value`), or stands alone
on its line with the value below (`Label`, `Label:`, `--- Label ---`, a bold label from
HTML, a form's question such as "When are you free?"). A note in parentheses and a
required-star do not change the label ("Available times (Eastern) *"); the note is kept.
"""

import re
from dataclasses import dataclass, field

from .text import is_bullet, strip_bullet

# Each field and the labels a client might write for it (matched ignoring case, spaces
# and punctuation). The first label is the one used in messages.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "client": (
        "Client name",
        "Client",
        "Name",
        "Customer",
        "Customer name",
        "Your name",
        "Full name",
        "Your full name",
        "Contact name",
    ),
    "first": ("First name", "Given name", "Your first name"),
    "last": ("Last name", "Surname", "Family name", "Your last name"),
    "email": (
        "Client email",
        "Email",
        "E-mail",
        "Email address",
        "E-mail address",
        "Customer email",
        "Your email",
        "Your email address",
        "Contact email",
    ),
    "song": ("Song", "Song title", "Song name", "Track", "Track title", "Title", "Song / track", "Song and artist"),
    "instruments": (
        "Instruments",
        "Instrument",
        "Musicians",
        "Instrumentation",
        "Players",
        "Session musicians",
        "Which instruments",
    ),
    "length": (
        "Session length",
        "Length",
        "Duration",
        "Session",
        "Session duration",
        "Length of session",
        "How long",
        "Hours",
    ),
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
        "Preferred dates",
        "Preferred date",
        "Preferred date and time",
        "Preferred dates and times",
        "Date and time",
        "Available dates",
        "Session date",
        "Session dates",
        "Time slots",
        "Preferred time",
        "Preferred dates & times",
        "Dates & times",
        "Date & time",
        "Session time",
        "Start time",
    ),
    "zone": ("Time zone", "Timezone", "TZ", "Zone", "Your time zone"),
    "mp3": (
        "MP3",
        "Audio",
        "Demo",
        "MP3 link",
        "Audio link",
        "Demo link",
        "Reference track",
        "Guide track",
        "Audio file",
        "MP3 / audio",
    ),
    "video": ("Video", "YouTube", "Video link", "YouTube link", "Video URL"),
    "links": ("Other links", "Links", "Extra links", "Link", "Additional links", "Charts", "Sheet music"),
    "notes": (
        "Notes",
        "Note",
        "Comments",
        "Comment",
        "Message",
        "Details",
        "Additional notes",
        "Anything else",
        "Special requests",
        "Your message",
        "Additional information",
        "Additional info",
        "Message body",
    ),
}
LIST_FIELDS = frozenset({"instruments", "times", "links"})
# Fields forms send that an order does not use: they end the field before them, so a
# "Phone: 555-0100" after the instruments is not read as an instrument.
OTHER_FORM_FIELDS = frozenset(
    {"phone", "phone number", "telephone", "tel", "mobile", "cell", "company", "company name", "business"}
    | {"address", "street address", "city", "state", "zip", "zip code", "postal code", "country", "website"}
    | {"budget", "how did you hear about us", "referral", "consent", "gdpr", "terms", "i agree", "entry id"}
    | {"entry", "form", "form name", "submitted", "submitted on", "date submitted", "submission date"}
    | {"page url", "referrer", "ip address", "ip", "user agent", "source", "powered by", "sent from"}
    | {"timestamp", "view submission", "submission id", "response id", "question"}
)
# Form footers ("Sent from Custom Tracks", "This e-mail was sent from a contact form on …").
_FOOTER = re.compile(
    r"^\(?(?:sent (?:from|via|by)|this e-?mail was sent|powered by|submitted (?:from|via|on|at|through))\b",
    re.IGNORECASE,
)
# Questions as form builders (Typeform, Google Forms) print them: the first pattern
# found in a question line names its field. Specific fields come before general ones:
# "name of the song" is the song, "What time zone" is not a time.
QUESTION_WORDS: tuple[tuple[str, str], ...] = (
    ("mp3", r"\b(?:mp3|demo|audio|guide track|reference track)\b"),
    ("video", r"\b(?:video|youtube)\b"),
    ("links", r"\blinks?\b"),
    ("zone", r"\btime ?zone\b"),
    ("email", r"\be-?mail\b"),
    ("song", r"\b(?:song|track)\b"),
    ("instruments", r"\b(?:instruments?|musicians?|players?)\b"),
    ("length", r"\b(?:how long|length|duration|how many hours)\b"),
    ("times", r"\b(?:when|available|availability|dates?|times?|days?)\b"),
    ("client", r"\bname\b"),
    ("notes", r"\b(?:anything else|notes?|comments?|details|tell us|message)\b"),
)
MAX_QUESTION_CHARS = 120

# `Label: value`, `Label = value`, `Label - value`, `Label<tab>value`.
_SEPARATOR = r"(?:\s*[:：=]\s*|\s*\t\s*|\s+[-–—]+\s+)"
_LABEL_LINE = re.compile(rf"^([^\W\d_][\w .'/()&*-]{{0,60}}?){_SEPARATOR}(.*)$")
# `--- Name ---` (WPForms' plain text), `== Name ==`, `# Name`, or the bare label.
_BARE_LABEL = re.compile(r"^[-=#_~\s]*([^\W\d_][\w .'/()&*-]{0,60}?)\??[\s:：]*[-=#_~\s]*$")
_QUESTION = re.compile(r"^[^\W\d_][^?]{0,118}\?(?:\s*\([^()]*\))?(?:\s*\*)?(?:\s*[:：])?$")
_NOTE = re.compile(r"\(([^()]*)\)")
_NOT_ALNUM = re.compile(r"[\W_]+")
# "Instruments needed:", "Musicians required:" mean the plain label.
_LABEL_SUFFIXES = ("needed", "required", "requested", "wanted")
# A closing line ends whatever field it follows: "Thanks,\nRosa" is not a time or a note.
_SIGN_OFF = re.compile(
    r"^(?:thanks|thank you|many thanks|cheers|best|best wishes|regards|kind regards|best regards|warm regards"
    r"|all the best|sincerely|yours truly)(?: so much| again| in advance)?\s*[,.!]*$",
    re.IGNORECASE,
)
# A rule drawn with dashes, underscores or equals signs separates a footer.
_RULE = re.compile(r"^[-_=*~]{3,}$")
# Day and month words start time lines ("Saturday: 2-5pm"), never other form fields.
_DAY_WORDS = re.compile(
    r"\b(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|today|tomorrow|tonight)",
    re.IGNORECASE,
)


def _key(label: str) -> str:
    return _NOT_ALNUM.sub("", label.casefold())


_FIELD_BY_KEY = {_key(label): name for name, labels in SYNONYMS.items() for label in labels}
_OTHER_KEYS = frozenset(_key(label) for label in OTHER_FORM_FIELDS)
_QUESTION_PATTERNS = tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in QUESTION_WORDS)


@dataclass
class LabelledText:
    """Each field's value lines, in order, and the label as the client wrote it."""

    values: dict[str, list[str]] = field(default_factory=dict)
    written_labels: dict[str, str] = field(default_factory=dict)
    # The note in a label's parentheses: "Available times (Eastern)" -> {"times": "Eastern"}.
    label_notes: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def first(self, name: str) -> str:
        return next((line for line in self.values.get(name, []) if line), "")

    def lines(self, name: str) -> list[str]:
        return [line for line in self.values.get(name, []) if line]


def match_label(line: str) -> tuple[str, str, str] | None:
    """(field, label as written, value) when the line starts with a known label.

    The label may be followed by a separator and its value, or stand alone on its line
    (its value is on the next line); a form's question ("When are you free?") is a label.
    """
    stripped = strip_bullet(line)
    match = _LABEL_LINE.match(stripped)
    if match:
        name = _field_of(match.group(1))
        if name:
            return name, match.group(1).strip(), match.group(2).strip().replace("\t", " ")
    bare = _BARE_LABEL.match(stripped)
    name = _field_of(bare.group(1)) if bare else None
    if bare and name:
        return name, bare.group(1).strip(), ""
    question = _question_field(stripped)
    return (question, stripped.rstrip(" *"), "") if question else None


def is_question(written: str) -> bool:
    """Whether a label as written is a form's question ("When are you free? (Pacific)")."""
    return "?" in written


def label_note(written: str) -> str:
    """The note in a written label's parentheses, if any: `Available times (Eastern)` -> `Eastern`."""
    notes = _NOTE.findall(written)
    return notes[-1].strip() if notes else ""


def _field_of(label: str) -> str | None:
    """The field a written label names; a note in parentheses or a required-star does not matter."""
    for candidate in (label, _NOTE.sub(" ", label)):
        key = _key(candidate)
        for suffix in _LABEL_SUFFIXES:
            key = key.removesuffix(suffix) if key != suffix else key
        if key in _FIELD_BY_KEY:
            return _FIELD_BY_KEY[key]
    return None


def _question_field(line: str) -> str | None:
    if len(line) > MAX_QUESTION_CHARS or not _QUESTION.match(line):
        return None
    return next((name for name, pattern in _QUESTION_PATTERNS if pattern.search(line)), None)


def is_other_label(line: str) -> bool:
    """A line that ends the field before it: a label the order does not use, a form
    footer, a sign-off ("Thanks,") or a rule ("-----").

    Besides the known other form fields (`OTHER_FORM_FIELDS`), any label alone on its
    line counts ("Favourite colour:", "--- Consent ---", "How did you hear about us?"),
    except in the notes, which are free text. Day and month words are not labels
    ("Saturday:" starts a time), nor is anything with a digit or a bullet.
    """
    return ends_any_field(line) or looks_like_a_label(line)


def ends_any_field(line: str, *, in_notes: bool = False) -> bool:
    """A footer, a rule, a sign-off or a known other form field.

    The notes are free text, so there a sign-off ("Thanks!") stays, and another form
    field ends them only when it is plainly a label ("Phone: 555-0100", "--- Consent ---"),
    not a bare word that happens to name one.
    """
    stripped = strip_bullet(line)
    if _RULE.match(line.strip()):
        return True
    if _FOOTER.match(stripped):
        # "Sent from the road, sorry for typos" can be a note; a footer names its site.
        return not in_notes or "://" in stripped or stripped.startswith("(")
    if _SIGN_OFF.match(stripped):
        return not in_notes
    match = _LABEL_LINE.match(stripped)
    if match is None and (not in_notes or stripped.startswith(("---", "=="))):
        match = _BARE_LABEL.match(stripped)
    return bool(match and _key(_NOTE.sub(" ", match.group(1))) in _OTHER_KEYS)


def looks_like_a_label(line: str) -> bool:
    stripped = strip_bullet(line)
    if is_bullet(line) or any(char.isdigit() for char in stripped) or _DAY_WORDS.search(stripped):
        return False
    stands_alone = stripped.endswith((":", "：")) or stripped.startswith("---") or _QUESTION.match(stripped)
    return bool(stands_alone and len(stripped) <= MAX_QUESTION_CHARS)


def read_labels(lines: list[str]) -> LabelledText:
    """Read every known label; the first occurrence of a label wins, repeats are warned about.

    Times are the exception: every times label adds its lines, because forms ask for the
    day and the hours apart ("Date:" then "Time:"). A question is a weaker label than a
    written one. A label the order does not use (`is_other_label`) ends the field before it.

    A list label (instruments, times, links) runs on over the following lines until the
    next label, or a blank line that is not followed by a bullet. A single-value label
    with nothing after its colon takes the next non-blank line. Notes take every line up
    to the next label. Lines belonging to no label are ignored.
    """
    found = LabelledText()
    reader = _FieldReader(found)
    for line in lines:
        reader.read(line)
    if "notes" in found.values:
        found.values["notes"] = _trim_blank_lines(found.values["notes"])
    return found


def add_subject(found: LabelledText, subject: str) -> None:
    """A labelled subject (`Song: Fly Me to the Moon`) fills a field the body left out."""
    label = match_label(subject)
    if label and label[2] and label[0] not in found.values and label[0] != "notes":
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
        self.questions: set[str] = set()  # fields whose label so far is a question
        self.after_rule = False  # the line before was a rule ("=====")
        self.after_blank = False

    def start(self, name: str, written: str, value: str) -> None:
        # A question is a weaker label than a written one: "Can you book this when you
        # can?" in a covering note must not take the times from a later "Times:" line.
        if name in self.questions and not is_question(written):
            self.questions.discard(name)
            del self.found.values[name]
        elif name in self.found.values and is_question(written):
            self.name = None
            return
        if is_question(written):
            self.questions.add(name)
        if name == "times" and name in self.found.values:
            # "Date: December 5" then "Time: 2-5pm": forms ask for the day and the hours apart.
            self.found.values[name] += [value] if value else []
            self.name, self.after_blank = name, False
            return
        if self.found.values.get(name):
            self.found.warnings.append(f'The label "{written}" appears more than once; the first was used.')
            self.name = None
            return
        self.found.values[name] = [value] if value else []
        self.found.written_labels[name] = written
        if label_note(written):
            self.found.label_notes[name] = label_note(written)
        self.name = name if (name in LIST_FIELDS or name == "notes" or not value) else None
        self.after_blank = False

    def read(self, line: str) -> None:
        after_rule, self.after_rule = self.after_rule, bool(_RULE.match(line.strip()))
        label = match_label(line)
        if label and not label[2] and after_rule:
            label = None  # "=====" / "Session" / "=====" is a heading, not the session label
        in_notes = self.name == "notes"
        # In the notes, a question or a bare word naming a field already given is the
        # client's prose ("Could we do a second take of the song?", "Link"), not a label.
        weak = label is not None and (is_question(label[1]) or not _LABEL_LINE.match(strip_bullet(line)))
        if label and not (in_notes and weak and label[0] in self.found.values):
            self.start(*label)
        elif self._underlines_label(line):
            return  # "Instruments" then "-----------" then the value: some plugins underline labels
        elif ends_any_field(line, in_notes=in_notes) or (not in_notes and looks_like_a_label(line)):
            self.name = None
        else:
            self.continue_with(line)

    def _underlines_label(self, line: str) -> bool:
        return bool(self.name and not self.found.values[self.name] and _RULE.match(line.strip()))

    def continue_with(self, line: str) -> None:
        if self.name is None:
            return
        values = self.found.values[self.name]
        line = line.replace("\t", " ")
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
