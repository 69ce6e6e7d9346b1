"""Admin forms: phones are taken as people type them, like the roster import takes them."""

from django import forms

from core.validators import normalize_phone  # moves to core.validators with the refactor

from .calendar_ids import validate_musician_calendar_id
from .models import Musician


class PhoneField(forms.CharField):
    """ "(212) 555-0101", "212.555.0101", "+1 212 555 0101": all stored as +12125550101."""

    def to_python(self, value: object) -> str:
        raw = super().to_python(value) or ""
        return normalize_phone(raw) if raw else raw


class MusicianAdminForm(forms.ModelForm):
    phone = PhoneField(max_length=40, help_text="As you would write it; US numbers need no +1. Stored as +12125550101.")

    class Meta:
        model = Musician
        fields = [
            "name",
            "phone",
            "email",
            "instruments",
            "time_zone",
            "calendar_id",
            "is_active",
            "opted_out_at",
            "last_booked_at",
        ]

    def clean_calendar_id(self) -> str:
        calendar_id = self.cleaned_data["calendar_id"]
        validate_musician_calendar_id(calendar_id)
        return calendar_id
