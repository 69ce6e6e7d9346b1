"""Order emails to orders: `read_envelope` for the webhook body, `parse_order` for the email.

The parser is pure (no database, settings or network): the caller passes the clock, the
studio's time zone and an `InstrumentCatalog` built from the database.

The order email
---------------
One `Label: value` per line; labels ignore case, spaces and punctuation::

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

Labels and their synonyms:

- Client name: Client, Name, Customer, Customer name, Your name, Full name
- Client email: Email, E-mail, Email address, Customer email, Your email
- Song: Song title, Song name, Track, Track title, Title
- Instruments: Instrument, Musicians, Instrumentation, Players
- Session length: Length, Duration, Session, Session duration
- Available times: Times, Time, Candidate times, Dates, Date, Dates and times, Date/time,
  Availability, When, Session times, Preferred times
- Time zone: Timezone, TZ, Zone
- MP3: Audio, Demo, MP3 link, Audio link, Demo link
- Video: YouTube, Video link, YouTube link
- Other links: Links, Extra links, Link, Additional links
- Notes: Note, Comments, Comment, Message, Details

A label may end in "needed" or "required" ("Musicians needed:"). The first time a label
appears wins; a repeat is ignored with a warning.

Lists (instruments, times, links) may continue on the lines after their label, with or
without bullets (`-`, `*`, `•`, `1.`, `1)`), until the next label or a blank line that
is not followed by another bullet. A label left empty takes the next line. Notes take
every line up to the next label. Lines outside any label are ignored. A labelled
subject line (`Song: …`) fills a field the body does not have.

Instruments: separated by commas, semicolons, "and", "&", "+" or lines; counts as
`2 violins`, `two violins`, `2x violin`, `violin x2`, `violins (2)`; by name, slug or
alias, singular or plural.

Times, one window per line (several ranges on one line make several windows):
dates as `Saturday, December 5, 2026`, `Sat Dec 5 2026`, `12/5/2026`, `12/5`, `Dec 5th`,
`5 December 2026`, `2026-12-05` (no year: the next such date from today); times as
`2-5pm`, `2pm-5pm`, `2:00 PM - 5:00 PM`, `14:00-17:00`, `2pm to 5pm`, `from 2pm until
5pm`, `noon-3pm`, `10pm-1am` (ends the next day). A start with no end (`Dec 5, 2pm`)
lasts one session. A zone on the line (`2-5pm PT`, `(Pacific)`, `America/Chicago`)
overrides the `Time zone:` line, which overrides the studio's zone. Abbreviations name
a place: `EST` in July is New York's daylight time.

Session length: `3 hours`, `2.5 hrs`, `90 minutes`, `1h30`, `1:30`, `2 hours 30 minutes`;
between 15 minutes and 12 hours.

Errors (the order cannot go ahead) are: no instruments, an unknown instrument, an
unknown zone, an unreadable session length, and no usable time. A bad time line is an
error only when no other line gives a usable window; otherwise it is a warning and the
booking goes ahead with the good times.
"""

from .envelope import Envelope, EnvelopeError, read_envelope
from .instruments import InstrumentCatalog
from .order import parse_order
from .result import OrderParseError, ParsedOrder, RequestedSeat, Window

__all__ = [
    "Envelope",
    "EnvelopeError",
    "InstrumentCatalog",
    "OrderParseError",
    "ParsedOrder",
    "RequestedSeat",
    "Window",
    "parse_order",
    "read_envelope",
]
