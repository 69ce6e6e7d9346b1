import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0007_move_offers'),
    ]

    operations = [
        migrations.AlterField(
            model_name='fill',
            name='offer',
            field=models.OneToOneField(blank=True, help_text='Empty: assigned by hand.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='fill', to='bookings.offer'),
        ),
        # It never changed (every write is an update()); the relay reads calendar_sync_queued_at.
        migrations.RemoveField(
            model_name='booking',
            name='updated_at',
        ),
    ]
