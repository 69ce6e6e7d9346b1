from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"

    def ready(self) -> None:
        from .listeners import register

        register()  # messaging tells bookings about replies, failed texts and opt-outs
