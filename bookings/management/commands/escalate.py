from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings.escalation import booking_escalate, bookings_due


class Command(BaseCommand):
    help = "Run one escalation sweep now, in this process (the same services Celery Beat's sweep runs)."

    def handle(self, *args: object, **options: object) -> None:
        now = timezone.now()
        due = bookings_due(now=now)
        moved = sum(booking_escalate(booking_id=booking_id, now=now) for booking_id in due)
        self.stdout.write(f"{len(due)} booking(s) due, {moved} moved on.")
