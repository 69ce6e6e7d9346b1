"""The confirmation's follow-up moves to a task, claimed by `confirmation_sent_at`.

Bookings confirmed before this had their follow-up done in the confirming request:
they are marked sent, so the relay never texts their band a second time.
"""

from django.db import migrations, models
from django.db.models.functions import Now


def mark_confirmed_bookings_sent(apps, schema_editor):
    Booking = apps.get_model("bookings", "Booking")
    Booking.objects.filter(status="confirmed").update(confirmation_sent_at=Now())


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0014_paced_waves_of_three'),
    ]

    operations = [
        migrations.AddField(
            model_name='booking',
            name='confirmed_at',
            field=models.DateTimeField(blank=True, help_text='When its last seat was filled (set again when a drop-out is filled).', null=True),
        ),
        migrations.AddField(
            model_name='booking',
            name='confirmation_sent_at',
            field=models.DateTimeField(blank=True, help_text="When the confirmation's follow-up ran (texts, voided offers, client email, calendars); empty while a worker still has it to do.", null=True),
        ),
        migrations.AddField(
            model_name='booking',
            name='confirmation_failures',
            field=models.PositiveSmallIntegerField(default=0, help_text='Confirmation follow-ups that raised.'),
        ),
        migrations.AddField(
            model_name='booking',
            name='confirmation_error',
            field=models.TextField(blank=True, help_text="The last error the confirmation's follow-up raised."),
        ),
        migrations.RunPython(mark_confirmed_bookings_sent, migrations.RunPython.noop),
    ]
