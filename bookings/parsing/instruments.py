"""The instrument vocabulary the parser reads with is musicians' (musicians.catalog)."""

from musicians.catalog import InstrumentCatalog, instrument_key

__all__ = ["InstrumentCatalog", "instrument_key"]
