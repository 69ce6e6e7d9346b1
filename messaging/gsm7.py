"""Keep texts in the GSM-7 alphabet, and count what a text costs.

One character outside it (a curly quote from a pasted email, a non-breaking
space, an "ó" in a name) makes the whole text UCS-2: 70 characters a segment
instead of 160, so double the cost.
"""

import unicodedata
from dataclasses import dataclass
from typing import Literal

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = "^{}\\[~]|€"  # each sent as an escape and a code: two septets

_REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2026": "...", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\t": " ",
    "\u2192": "->", "\u00b7": "-", "\u2022": "-",
}  # fmt: skip

_ALPHABET = frozenset(GSM7_BASIC + GSM7_EXTENDED)

# One segment alone, or each part of a longer text (the rest carries the parts' header).
GSM7_SEPTETS = (160, 153)
UCS2_UNITS = (70, 67)


def to_gsm7(text: str) -> str:
    """Replace what has a plain equivalent, then what has a nearest letter ("ó" -> "o");
    anything else becomes "?"."""
    if is_gsm7(text):
        return text  # nearly every text: one pass in C instead of a call a character
    return "".join(_nearest_gsm7(char) for char in text)


def is_gsm7(text: str) -> bool:
    return _ALPHABET.issuperset(text)


@dataclass(frozen=True)
class SmsCost:
    encoding: Literal["GSM-7", "UCS-2"]
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int


def sms_cost(text: str) -> SmsCost:
    """What the network bills for `text` as it stands (run it through to_gsm7 first to pay GSM-7 rates)."""
    if is_gsm7(text):
        sizes = [2 if char in GSM7_EXTENDED else 1 for char in text]
        return SmsCost("GSM-7", sum(sizes), _segments(sizes, *GSM7_SEPTETS))
    sizes = [len(char.encode("utf-16-le")) // 2 for char in text]
    return SmsCost("UCS-2", sum(sizes), _segments(sizes, *UCS2_UNITS))


def sms_segments(text: str) -> int:
    return sms_cost(text).segments


def _nearest_gsm7(char: str) -> str:
    char = _REPLACEMENTS.get(char, char)
    if all(c in _ALPHABET for c in char):
        return char
    # NFKD splits "ó" into "o" and a combining accent, "ﬁ" into "fi", "Ａ" into "A".
    bare = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return bare if bare and all(c in _ALPHABET for c in bare) else "?"


def _segments(sizes: list[int], single: int, part: int) -> int:
    """Segments for characters of these sizes; a character never straddles two parts."""
    if sum(sizes) <= single:
        return 1
    parts, used = 1, 0
    for size in sizes:
        if used + size > part:
            parts, used = parts + 1, 0
        used += size
    return parts
