"""Validators shared by every app: phone numbers and time zones."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from django.core.exceptions import ValidationError

DEFAULT_PHONE_REGION = "US"


def normalize_phone(raw: str, *, region: str = DEFAULT_PHONE_REGION) -> str:
    """Return `raw` in E.164 (+15551234567), or raise ValidationError saying why."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(f"{raw!r} is not a phone number.") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(f"{raw!r} is not a valid phone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_e164(value: str) -> None:
    if normalize_phone(value) != value:
        raise ValidationError(f"{value!r} is not in E.164 form (like +15551234567).")


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"{value!r} is not a time zone name (like America/New_York).") from exc
