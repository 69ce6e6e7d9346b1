"""BookingText keeps its text's time, with an index for a booking's latest texts.

Added empty, filled from each text's Message in one UPDATE, then required.
"""

from django.db import migrations, models

FROM_MESSAGES = """
UPDATE bookings_bookingtext AS text SET texted_at = message.created_at
FROM messaging_message AS message WHERE message.id = text.message_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0015_confirmation_follow_up"),
        ("messaging", "0005_message_next_try_held_maybe_sent"),
    ]

    operations = [
        migrations.AddField(model_name="bookingtext", name="texted_at", field=models.DateTimeField(null=True)),
        migrations.RunSQL(FROM_MESSAGES, reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(model_name="bookingtext", name="texted_at", field=models.DateTimeField()),
        migrations.AddIndex(
            model_name="bookingtext",
            index=models.Index(fields=["booking", "-texted_at", "-message"], name="bookingtext_latest"),
        ),
    ]
