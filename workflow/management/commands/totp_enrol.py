"""`python manage.py totp_enrol dane`: a TOTP device for an admin user, for ADMIN_2FA.

Prints the otpauth:// link to paste (or turn into a QR code) in an authenticator app.
It is confirmed at once: enrol on a machine you trust and keep the link secret.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Create a TOTP device for an admin user and print its otpauth:// link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="phone", help="what to call the device in the admin")

    def handle(self, *args: object, **options: object) -> None:
        try:
            user = get_user_model().objects.get(username=options["username"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {options['username']!r}.") from None
        device = TOTPDevice.objects.create(user=user, name=str(options["name"]), confirmed=True)
        self.stdout.write(device.config_url)
