"""The instruments the studio books, and every way a client or a roster names one.

Pure (no database): `musicians.selectors.instrument_catalog` builds one from the rows;
the order-email parser and the roster import both read with it.
"""

import re
from collections.abc import Mapping

_NOT_ALNUM = re.compile(r"[\W_]+")


def instrument_key(text: str) -> str:
    """Case, spaces and punctuation do not matter: `Stand-up Bass` == `standup bass`."""
    return _NOT_ALNUM.sub("", text.casefold())


def _singular_and_plural_keys(key: str) -> list[str]:
    """`violins` -> violin, `basses` -> bass, `drum` -> drums: English plurals, tried in order."""
    keys = [key]
    if key.endswith("ies"):
        keys.append(key[:-3] + "y")
    if key.endswith("es"):
        keys.append(key[:-2])
    if key.endswith("s"):
        keys.append(key[:-1])
    keys.append(key + "s")
    return keys


class InstrumentCatalog:
    """Names, slugs and aliases, mapped to slugs. Built by the caller from the database.

    A display name wins over an alias that happens to spell the same.
    """

    def __init__(self, instruments: Mapping[str, str], aliases: Mapping[str, str] | None = None) -> None:
        self._names = dict(instruments)
        slugs = set(self._names.values())
        self._slugs: dict[str, str] = {}
        for alias, slug in (aliases or {}).items():
            if slug not in slugs:
                raise ValueError(f"The alias {alias!r} points to {slug!r}, which is not an instrument.")
            self._add(alias, slug)
        for name, slug in self._names.items():
            self._add(slug, slug)
            self._add(name, slug)

    def _add(self, text: str, slug: str) -> None:
        key = instrument_key(text)
        if key:
            self._slugs[key] = slug

    def lookup(self, text: str) -> str | None:
        """The slug `text` names, or None."""
        key = instrument_key(text)
        if not key:
            return None
        return next((self._slugs[k] for k in _singular_and_plural_keys(key) if k in self._slugs), None)

    def display_name(self, slug: str) -> str:
        """The name the studio uses for `slug`, in lower case, for messages ("electric bass")."""
        return next((name.lower() for name, named in self._names.items() if named == slug), slug)

    def known_names(self) -> list[str]:
        """Display names, sorted, for telling a client what they can ask for."""
        return sorted(self._names, key=str.casefold)
