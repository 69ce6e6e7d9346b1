from django.core.management.base import BaseCommand, CommandError

from bookings.manager import ActionRefused, manager_calendars_write_again
from bookings.models import Booking


class Command(BaseCommand):
    help = "Write confirmed bookings' calendars again after a failed sync: give booking ids, or --failed for all."

    def add_arguments(self, parser) -> None:
        parser.add_argument("booking_ids", nargs="*", type=int)
        parser.add_argument("--failed", action="store_true", help="every confirmed booking whose calendars failed")

    def handle(self, *args: object, booking_ids: list[int], failed: bool, **options: object) -> None:
        if failed:
            confirmed = Booking.objects.filter(status=Booking.Status.CONFIRMED)
            booking_ids += confirmed.filter(calendar_sync=Booking.CalendarSync.FAILED).values_list("pk", flat=True)
        if not booking_ids and not failed:
            raise CommandError("Give booking ids, or --failed.")
        if not booking_ids:
            self.stdout.write("No failed calendar syncs.")
            return
        for booking_id in booking_ids:
            try:
                manager_calendars_write_again(booking_id=booking_id, actor="manage.py")
            except (ActionRefused, Booking.DoesNotExist) as refused:
                raise CommandError(f"Booking {booking_id}: {refused}") from refused
        ids = ", ".join(str(pk) for pk in booking_ids)
        self.stdout.write(f"Writing the calendars of {len(booking_ids)} booking(s) again: {ids}.")
