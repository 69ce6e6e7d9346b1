"""Time zone names as clients write them, resolved to IANA zones.

An abbreviation names a place, not an offset: "EST" in July still means New York's
clock, because that is what a client in New York means by it.
"""

import re
import zoneinfo
from dataclasses import dataclass
from functools import cache

NEW_YORK = "America/New_York"
CHICAGO = "America/Chicago"
DENVER = "America/Denver"
LOS_ANGELES = "America/Los_Angeles"

ZONE_WORDS: dict[str, str] = {
    **dict.fromkeys(("et", "est", "edt", "eastern"), NEW_YORK),
    **dict.fromkeys(("ct", "cst", "cdt", "central"), CHICAGO),
    **dict.fromkeys(("mt", "mst", "mdt", "mountain"), DENVER),
    **dict.fromkeys(("pt", "pst", "pdt", "pacific"), LOS_ANGELES),
    **dict.fromkeys(("akst", "akdt", "alaska"), "America/Anchorage"),
    **dict.fromkeys(("hst", "hawaii"), "Pacific/Honolulu"),
    **dict.fromkeys(("utc", "gmt", "zulu"), "UTC"),
    **dict.fromkeys(("bst", "london", "uk", "british"), "Europe/London"),
    **dict.fromkeys(("cet", "cest", "paris"), "Europe/Paris"),
    "berlin": "Europe/Berlin",
    "new york": NEW_YORK,
    **dict.fromkeys(("aest", "aedt"), "Australia/Sydney"),
    "jst": "Asia/Tokyo",
}
# A zone-shaped name starts with an IANA area or is Capitalised/Capitalised:
# "and/or" is not a zone, "Mars/Olympus" is an unknown one.
_AREAS = "africa|america|antarctica|arctic|asia|atlantic|australia|europe|indian|pacific|etc|us|canada"
_ZONE_PATTERN = re.compile(
    rf"\b(?P<iana>(?:{_AREAS})/[a-z0-9_+-]+(?:/[a-z0-9_+-]+)?"
    r"|(?-i:[A-Z][a-z]+(?:/[A-Z][A-Za-z0-9_+-]*){1,2}))"
    r"|\b(?P<offset>(?:utc|gmt)[+-]\d{1,2}(?::?\d{2})?)(?![\d:])"
    r"|\b(?P<word>eastern|central|mountain|pacific|alaska|hawaii|london|uk|british|paris|berlin|new york)"
    r"(?:\s+(?:standard|daylight|summer))?(?:\s+time)?\b"
    r"|\b(?P<abbr>[a-z]{2,5})\b",
    re.IGNORECASE,
)
_OFFSET = re.compile(r"(?:utc|gmt)([+-])(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)


@dataclass(frozen=True)
class ZoneMention:
    """A zone named in some text: `name` is the IANA zone, or None when unknown (`written` says what)."""

    name: str | None
    written: str
    start: int
    end: int


@cache
def _iana_names() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


@cache
def _cities() -> dict[str, str]:
    """`new york` -> America/New_York, for `Time zone: New York`; the first zone wins a shared name."""
    cities: dict[str, str] = {}
    for name in sorted(zoneinfo.available_timezones()):
        city = name.rsplit("/", 1)[-1].replace("_", " ").lower()
        if "/" in name and not name.startswith(("Etc/", "SystemV/")):
            cities.setdefault(city, name)
    return cities


def iana_name(text: str) -> str | None:
    """The canonical IANA name for `text` (any case), or None if there is no such zone."""
    return _iana_names().get(text.strip().lower())


def find_zones(text: str) -> list[ZoneMention]:
    """Every zone named in `text`, known or not, in order."""
    mentions = []
    for match in _ZONE_PATTERN.finditer(text):
        mention = _mention(match)
        if mention:
            mentions.append(mention)
    return mentions


def _mention(match: re.Match[str]) -> ZoneMention | None:
    written = match.group(0)
    start, end = match.span()
    if match.group("iana"):
        return ZoneMention(iana_name(written), written, start, end)
    if match.group("offset"):
        return ZoneMention(_offset_zone(written), written, start, end)
    name = ZONE_WORDS.get((match.group("word") or match.group("abbr")).lower())
    if name or _looks_like_abbreviation(written):
        return ZoneMention(name, written, start, end)
    return None


# Capital words ending in T that are not zones (SAT DEC 5, "NOT BEFORE 2PM").
_NOT_ZONES = frozenset(
    {"SAT", "OCT", "SEPT", "NOT", "BUT", "GET", "SET", "LET", "PUT", "OUT", "JUST", "MOST", "BEST"}
    | {"EAST", "WEST", "PAST", "LAST", "NEXT", "FIRST"}
)


def _looks_like_abbreviation(written: str) -> bool:
    """CEST, AEST, JST: capitals ending in T are zone abbreviations, even ones we do not know."""
    shaped = 3 <= len(written) <= 5 and written.isupper() and written.endswith("T")
    return shaped and written not in _NOT_ZONES


def _offset_zone(text: str) -> str | None:
    """`UTC+2` -> `Etc/GMT-2` (the Etc names count the other way); half hours have no Etc zone."""
    match = _OFFSET.fullmatch(text)
    if not match or (match.group(3) or "00") != "00" or int(match.group(2)) > 12:
        return None
    hours = int(match.group(2))
    if hours == 0:
        return "UTC"
    return f"Etc/GMT{'-' if match.group(1) == '+' else '+'}{hours}"


def resolve_zone(text: str) -> str | None:
    """The zone a `Time zone:` value names: an IANA name, an abbreviation or a region word."""
    key = text.strip().lower()
    exact = iana_name(key) or ZONE_WORDS.get(key) or _cities().get(key)
    if exact:
        return exact
    known = [mention.name for mention in find_zones(text) if mention.name]
    return known[0] if known else None
