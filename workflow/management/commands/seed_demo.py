from django.core.management.base import BaseCommand

from workflow.demo import demo_roster_load


class Command(BaseCommand):
    help = "Load the demo roster (three musicians per instrument, fictional 555-01xx phones). Idempotent."

    def handle(self, *args: object, **options: object) -> None:
        count = demo_roster_load()
        self.stdout.write(self.style.SUCCESS(f"Demo roster ready: {count} musicians."))
