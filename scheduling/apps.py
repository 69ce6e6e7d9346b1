from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"

    def ready(self) -> None:
        from musicians.calendar_ids import reserved_calendar_ids_register

        from .calendars.ids import studio_calendar_ids

        reserved_calendar_ids_register(studio_calendar_ids)  # no musician may take the studio's calendar
