"""Reads of the roster."""

from dataclasses import dataclass

from .catalog import InstrumentCatalog
from .models import Instrument


@dataclass(frozen=True)
class InstrumentRoster:
    """The parser's catalog, and the id of each instrument by slug (to make seats without asking again)."""

    catalog: InstrumentCatalog
    ids: dict[str, int]


def instrument_roster() -> InstrumentRoster:
    """Every instrument with its aliases, in one query (instruments left-joined to their aliases)."""
    rows = Instrument.objects.order_by("name", "aliases__alias").values_list("pk", "name", "slug", "aliases__alias")
    names: dict[str, str] = {}
    ids: dict[str, int] = {}
    aliases: list[tuple[str, str]] = []
    for pk, name, slug, alias in rows:
        names[name] = slug
        ids[slug] = pk
        if alias is not None:
            aliases.append((alias, slug))
    return InstrumentRoster(InstrumentCatalog(names, dict(aliases)), ids)


def instrument_catalog() -> InstrumentCatalog:
    """Every instrument name and alias the parser should know, in one query."""
    return instrument_roster().catalog
