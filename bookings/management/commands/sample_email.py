import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings.samples import sample_order_email


class Command(BaseCommand):
    help = "Print a sample order email as the JSON a Zap posts (new Message-ID, dates ahead)."

    def handle(self, *args: object, **options: object) -> None:
        email = sample_order_email(now=timezone.now(), time_zone=settings.STUDIO_TIME_ZONE)
        self.stdout.write(json.dumps(email, indent=2))
