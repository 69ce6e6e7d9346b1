"""The plain fields of an order: who, which song, links, notes.

A missing one is a warning, never an error: the booking can go ahead without it and the
caller fills the client from the email's sender.
"""

import re
from dataclasses import dataclass, field

from .labels import LabelledText
from .links import find_urls, is_audio, is_video

MAX_NAME_CHARS = 200
MAX_SONG_CHARS = 300
MAX_EMAIL_CHARS = 254
MAX_NOTES_CHARS = 5_000

_TOKEN_SEPARATORS = re.compile(r"[\s<>()\[\],;\"]+")
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass
class Fields:
    client_name: str = ""
    client_email: str = ""
    song_title: str = ""
    mp3_url: str = ""
    video_url: str = ""
    other_links: list[str] = field(default_factory=list)
    notes: str = ""
    warnings: list[str] = field(default_factory=list)


def read_fields(labelled: LabelledText) -> Fields:
    fields = Fields()
    _read_client(labelled, fields)
    _read_song(labelled, fields)
    _read_links(labelled, fields)
    notes = "\n".join(labelled.values.get("notes", []))
    if len(notes) > MAX_NOTES_CHARS:
        fields.warnings.append(f"The notes were cut to {MAX_NOTES_CHARS:,} characters.")
    fields.notes = notes[:MAX_NOTES_CHARS]
    return fields


def find_email(text: str) -> str:
    """The first email address in `text`, or ""."""
    for token in _TOKEN_SEPARATORS.split(text):
        token = token.removeprefix("mailto:").strip(".:'")
        if len(token) <= MAX_EMAIL_CHARS and _EMAIL.fullmatch(token):
            return token
    return ""


def _read_client(labelled: LabelledText, fields: Fields) -> None:
    # Wix and Squarespace forms can split the name in two.
    name = labelled.first("client") or " ".join(filter(None, (labelled.first("first"), labelled.first("last"))))
    written_email = labelled.first("email")
    fields.client_email = find_email(written_email)
    # "Client: Jane Doe <jane@example.com>" gives both.
    address_in_name = find_email(name)
    if address_in_name:
        fields.client_email = fields.client_email or address_in_name
        name = name.replace(address_in_name, "").strip(" <>()[],;\"'")
    fields.client_name = name[:MAX_NAME_CHARS]
    if not fields.client_name:
        fields.warnings.append('No client name found; add a line like "Client name: Jane Doe".')
    if written_email and not find_email(written_email):
        fields.warnings.append(f'The client email "{written_email[:80]}" is not an email address.')
    elif not fields.client_email:
        fields.warnings.append('No client email found; add a line like "Client email: jane@example.com".')


def _read_song(labelled: LabelledText, fields: Fields) -> None:
    fields.song_title = labelled.first("song")[:MAX_SONG_CHARS]
    if not fields.song_title:
        fields.warnings.append('No song title found; add a line like "Song: Fly Me to the Moon".')


def _read_links(labelled: LabelledText, fields: Fields) -> None:
    """The labelled MP3 and video; failing those, an audio file or a video site among the other links."""
    mp3_urls = _labelled_urls(labelled, "mp3", fields)
    video_urls = _labelled_urls(labelled, "video", fields)
    others = _labelled_urls(labelled, "links", fields)
    fields.mp3_url = next(iter(mp3_urls), "") or next((url for url in others if is_audio(url)), "")
    fields.video_url = next(iter(video_urls), "") or next((url for url in others if is_video(url)), "")
    chosen = {fields.mp3_url, fields.video_url}
    every_url = mp3_urls + video_urls + others
    fields.other_links = [url for url in dict.fromkeys(every_url) if url not in chosen]


def _labelled_urls(labelled: LabelledText, name: str, fields: Fields) -> list[str]:
    lines = labelled.lines(name)
    urls = [url for line in lines for url in find_urls(line)]
    if lines and not urls:
        written = labelled.written_labels.get(name, name)
        fields.warnings.append(f'No link found on the "{written}" line.')
    return urls
