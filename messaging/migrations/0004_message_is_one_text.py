# A Message is one text: what an offer was is bookings.Offer now (moved there by
# bookings 0007, which runs before this one).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('messaging', '0003_providers'),
    ]

    operations = [
        migrations.RemoveConstraint(model_name='message', name='offer_once_per_musician_seat_and_time'),
        migrations.RemoveConstraint(model_name='message', name='offer_has_booking_musician_seat_and_time'),
        migrations.RemoveField(model_name='message', name='answered_at'),
        migrations.RemoveField(model_name='message', name='booking'),
        migrations.RemoveField(model_name='message', name='candidate_time'),
        migrations.RemoveField(model_name='message', name='inbound_email'),
        migrations.RemoveField(model_name='message', name='option'),
        migrations.RemoveField(model_name='message', name='seat'),
        migrations.RemoveField(model_name='message', name='token'),
        migrations.RenameField(model_name='message', old_name='kind', new_name='purpose'),
        migrations.AlterField(
            model_name='message',
            name='purpose',
            field=models.CharField(choices=[('offer', 'Offer'), ('confirmation', 'Confirmation'), ('notice', 'Notice'), ('alert', 'Alert to the manager'), ('reminder', 'Reminder'), ('reply', 'Reply to a text')], db_index=True, max_length=16),
        ),
        migrations.AlterField(
            model_name='message',
            name='status',
            field=models.CharField(choices=[('queued', 'Queued'), ('sent', 'Sent'), ('delivered', 'Delivered'), ('failed', 'Failed')], db_index=True, default='queued', max_length=16),
        ),
    ]
