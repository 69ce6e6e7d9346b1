# The Offer gets a model of its own (it was a kind of messaging.Message), and the
# texts about a booking are linked from bookings' side (BookingText).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0005_history'),
        ('messaging', '0003_providers'),
        ('musicians', '0002_seed_instruments'),
    ]

    operations = [
        migrations.AddField(
            model_name='booking',
            name='calendar_sync_queued_at',
            field=models.DateTimeField(blank=True, help_text='When the calendar write was last queued; the relay queues it again later.', null=True),
        ),
        migrations.CreateModel(
            name='Offer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(help_text="The secret in the offer's YES/NO links.", max_length=32, unique=True)),
                ('status', models.CharField(choices=[('open', 'Open'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('late', 'Late (seat already taken)'), ('voided', 'Voided'), ('undeliverable', 'Undeliverable (the text failed)')], db_index=True, default='open', max_length=16)),
                ('created_at', models.DateTimeField(db_index=True)),
                ('answered_at', models.DateTimeField(blank=True, null=True)),
                ('booking', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='offers', to='bookings.booking')),
                ('candidate_time', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='offers', to='bookings.candidatetime')),
                ('message', models.OneToOneField(blank=True, help_text='The text that carried the offer.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='offer', to='messaging.message')),
                ('musician', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='offers', to='musicians.musician')),
                ('seat', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='offers', to='bookings.seat')),
            ],
            options={
                'ordering': ['booking', 'created_at', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('seat', 'candidate_time', 'musician'), name='offer_asked_once_per_seat_time_and_musician')],
            },
        ),
        migrations.CreateModel(
            name='BookingText',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('booking', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='texts', to='bookings.booking')),
                ('message', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='booking_text', to='messaging.message')),
            ],
            options={
                'ordering': ['booking', 'message'],
            },
        ),
    ]
