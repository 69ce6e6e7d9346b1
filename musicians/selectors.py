"""Reads of the roster."""

from .catalog import InstrumentCatalog
from .models import Instrument, InstrumentAlias


def instrument_catalog() -> InstrumentCatalog:
    """Every instrument name and alias the parser should know, in two queries."""
    instruments = dict(Instrument.objects.values_list("name", "slug"))
    aliases = dict(InstrumentAlias.objects.values_list("alias", "instrument__slug"))
    return InstrumentCatalog(instruments, aliases)
