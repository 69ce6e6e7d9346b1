"""Web links in label values: the guide MP3, the video, anything else the client sent."""

import re
from urllib.parse import urlsplit

MAX_URL_CHARS = 2_000

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'`{}|\\^\[\]]+", re.IGNORECASE)
_AUDIO_SUFFIXES = (".mp3", ".wav", ".m4a", ".aif", ".aiff", ".flac", ".ogg")
_VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com")


def find_urls(text: str) -> list[str]:
    """Every link in `text`, in order, with sentence punctuation after it removed."""
    urls = []
    for match in _URL.finditer(text):
        url = _trim(match.group(0))
        if url.lower().startswith("www."):
            url = "https://" + url
        if len(url) <= MAX_URL_CHARS and _host(url):
            urls.append(url)
    return urls


def _trim(url: str) -> str:
    """`(see https://x.com/a).` -> https://x.com/a; a `)` that closes a `(` in the link stays."""
    url = url.rstrip(".,;:!?")
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1].rstrip(".,;:!?")
    return url


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # "http://[::1" and other broken brackets
        return ""


def is_audio(url: str) -> bool:
    try:
        path = urlsplit(url).path.lower()
    except ValueError:
        return False
    return path.endswith(_AUDIO_SUFFIXES)


def is_video(url: str) -> bool:
    host = _host(url).lower()
    return any(host == video or host.endswith("." + video) for video in _VIDEO_HOSTS)
