"""Keep texts in the GSM-7 alphabet.

One character outside it (a curly quote from a pasted email, a non-breaking
space) makes the whole text UCS-2: 70 characters a segment instead of 160, so
double the cost.
"""

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = "^{}\\[~]|€"

_REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2026": "...", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\t": " ",
    "\u2192": "->", "\u00b7": "-", "\u2022": "-",
}  # fmt: skip

_ALPHABET = frozenset(GSM7_BASIC + GSM7_EXTENDED)


def to_gsm7(text: str) -> str:
    """Replace what has a plain equivalent; anything else becomes "?"."""
    out = []
    for char in text:
        char = _REPLACEMENTS.get(char, char)
        out.append(char if all(c in _ALPHABET for c in char) else "?")
    return "".join(out)


def is_gsm7(text: str) -> bool:
    return all(char in _ALPHABET for char in text)
