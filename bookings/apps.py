from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class BookingsConfig(AppConfig):
    name = "bookings"

    def ready(self) -> None:
        from musicians.models import Instrument, InstrumentAlias
        from scheduling.models import Studio

        from .listeners import register

        register()  # messaging tells bookings about replies, failed texts and opt-outs
        # Not logic: every process keeps what intake reads each email with (the studio's zone, the
        # catalog), and reads it again after any change to them, in any process (core.stamped).
        for model in (Studio, Instrument, InstrumentAlias):
            for signal in (post_save, post_delete):
                signal.connect(_reference_changed, sender=model, dispatch_uid=f"intake-reference-{model.__name__}")


def _reference_changed(**_: object) -> None:
    from .intake import reference_cache

    reference_cache.changed()
