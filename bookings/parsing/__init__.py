"""Order emails to orders: `read_envelope` for the webhook body, `parse_order` for the email
(`read_order_draft` for what could be read of one it refuses, for the manager to complete).

The parser is pure (no database, settings or network): the caller passes the clock, the
studio's time zone and an `InstrumentCatalog` built from the database.

The order email
---------------
The canonical form, one `Label: value` per line; labels ignore case, spaces and
punctuation::

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

The same order is read in the layouts web forms and mail clients produce (each with an
example in the README's "The order email", and whole emails in bookings/tests/corpus/):

- separators: `Label: value`, `Label = value`, `Label<tab>value`, `Label - value`, or the
  label alone on its line and the value on the next (`Label`, `Label:`, `--- Label ---`);
- HTML: form tables (WPForms and Gravity Forms label row then value row; Jotform, Ninja
  Forms and `<th>`/`<td>` label and value side by side), definition lists, a wholly bold
  line as a label (`<p><b>Name</b><br>Jane</p>`), Outlook and Gmail markup;
- form questions as labels ("What's your name?", "When are you available?");
- label notes and required-stars ("Your name *", "Instruments (list all)",
  "Available times (Eastern)": a zone in the times label's note is the email's zone);
- First name + Last name; separate Date and Time fields; days joined by commas or
  semicolons on one line; Contact Form 7's default `From: Jane <jane@…>` first line names
  the client when the order does not;
- fields the order does not use (Phone, Company, …), form footers, sign-offs and
  signatures end the field before them and are not read.

Labels and their synonyms are in `labels.SYNONYMS` (the first is the one used in
messages). A label may end in "needed" or "required" ("Musicians needed:"). The first
time a label appears wins and a repeat is warned about, except times, whose labels all
add lines. A question is a weaker label than a written one.

Lists (instruments, times, links) may continue on the lines after their label, with or
without bullets (`-`, `*`, `•`, `1.`, `1)`), until the next label or a blank line that
is not followed by another bullet. A label left empty takes the next line. Notes take
every line up to the next label. Lines outside any label are ignored. A labelled
subject line (`Song: …`) fills a field the body does not have.

Instruments: separated by commas, semicolons, "and", "&", "+" or lines; counts as
`2 violins`, `two violins`, `2x violin`, `violin x2`, `violins (2)`; by name, slug or
alias, singular or plural. A note in parentheses goes to the notes with a warning
(`Drums (brushes)`) unless it completes the name (`Bass (upright)`); a choice
(`acoustic or electric guitar`) is an error naming both instruments.

Times, one window per line (several ranges on one line make several windows):
dates as `Saturday, December 5, 2026`, `Sat Dec 5 2026`, `12/5/2026`, `12/5`, `Dec 5th`,
`5 December 2026`, `2026-12-05`, `25.12.2026`, `28/12/2026` (no year: the next such
date from today); `today`, `tomorrow`, `this Friday`, `next Friday` (the first Friday
after today, warned), or a weekday alone (the coming one); times as `2-5pm`, `2pm-5pm`,
`2:00 PM - 5:00 PM`, `14:00-17:00`, `14h-17h`, `14h30`, `2pm to 5pm`, `from 2pm until
5pm`, `noon-3pm`, `10pm-1am` (ends the next day). `5/12` is month first in the Americas
and day first elsewhere or when the email's other dates put the day first; a warning
states the reading whenever the other was as likely. A start with no end (`Dec 5, 2pm`)
lasts one session. A zone on the line (`2-5pm PT`, `(Pacific)`, `London time`,
`America/Chicago`) overrides the `Time zone:` line, which overrides the studio's zone.
Abbreviations name a place: `EST` in July is New York's daylight time.

Session length: `3 hours`, `2.5 hrs`, `90 minutes`, `1h30`, `1:30`, `2 hours 30 minutes`;
between 15 minutes and 12 hours.

Errors (the order cannot go ahead) are: no instruments, an unknown instrument, a choice
of instruments, more than `seats.MAX_SEATS` musicians, an unknown zone, an unreadable
session length, and no usable time. A bad time line is an error only when no other line
gives a usable window; otherwise it is a warning and the booking goes ahead with the good
times. A line that is not understood is quoted back exactly.

Limits: at most `result.MAX_ERRORS` errors and `result.MAX_WARNINGS` warnings of
`result.MAX_ERROR_CHARS` characters,
`windows.MAX_WINDOWS` windows holding at most `windows.MAX_SESSIONS` sessions (the
earliest, with a warning), and a bounded amount of
HTML (`markup.MAX_HTML_CHARS`, `MAX_HTML_TAGS`), read in one linear pass.
"""

from .durations import LONGEST_SESSION, SHORTEST_SESSION, describe_minutes, length_error, read_minutes
from .envelope import Envelope, EnvelopeError, read_envelope
from .instruments import InstrumentCatalog
from .order import html_as_text, parse_order, read_order_draft
from .result import OrderDraft, OrderParseError, ParsedOrder, RequestedSeat, Window
from .seats import MAX_PER_INSTRUMENT, MAX_SEATS
from .windows import MAX_SESSIONS, MAX_WINDOWS

__all__ = [
    "LONGEST_SESSION",
    "MAX_PER_INSTRUMENT",
    "MAX_SEATS",
    "MAX_SESSIONS",
    "MAX_WINDOWS",
    "SHORTEST_SESSION",
    "Envelope",
    "EnvelopeError",
    "InstrumentCatalog",
    "OrderDraft",
    "OrderParseError",
    "ParsedOrder",
    "RequestedSeat",
    "Window",
    "describe_minutes",
    "html_as_text",
    "length_error",
    "parse_order",
    "read_envelope",
    "read_minutes",
    "read_order_draft",
]
