# Moves every offer out of messaging.Message into bookings.Offer, keeping its id (so
# Fill.offer and the links in texts already sent stay right), links every text that
# was about a booking from BookingText, and leaves Message with delivery statuses only.
# Runs before messaging drops the columns it reads (run_before).

from django.core.management.color import no_style
from django.db import migrations
from django.db.models import F

BATCH = 2000
ANSWERS = {"accepted", "declined", "late", "voided"}
OFFER_STATUS = {
    "queued": "open", "sent": "open", "delivered": "open", "failed": "undeliverable",
    "accepted": "accepted", "declined": "declined", "late": "late", "voided": "voided",
}  # fmt: skip


def forward(apps, schema_editor):
    Message = apps.get_model("messaging", "Message")
    Offer = apps.get_model("bookings", "Offer")
    BookingText = apps.get_model("bookings", "BookingText")
    Booking = apps.get_model("bookings", "Booking")
    db = schema_editor.connection.alias

    offers = Message.objects.using(db).filter(kind="offer").order_by("pk")
    for start in range(0, offers.count(), BATCH):
        Offer.objects.using(db).bulk_create(
            Offer(
                pk=m.pk,
                booking_id=m.booking_id,
                seat_id=m.seat_id,
                candidate_time_id=m.candidate_time_id,
                musician_id=m.musician_id,
                token=m.token or f"legacy-{m.pk}",
                status=OFFER_STATUS[m.status],
                message_id=m.pk,
                created_at=m.created_at,
                answered_at=m.answered_at,
            )
            for m in offers[start : start + BATCH]
        )
    about = Message.objects.using(db).filter(booking__isnull=False).order_by("pk").values_list("pk", "booking_id")
    for start in range(0, about.count(), BATCH):
        BookingText.objects.using(db).bulk_create(
            BookingText(message_id=pk, booking_id=booking_id) for pk, booking_id in about[start : start + BATCH]
        )
    # An answer is the offer's now; the text keeps how far it got.
    answered = Message.objects.using(db).filter(status__in=ANSWERS)
    answered.filter(delivered_at__isnull=False).update(status="delivered")
    answered.update(status="sent")
    Booking.objects.using(db).filter(calendar_sync="pending").update(calendar_sync_queued_at=F("updated_at"))
    with schema_editor.connection.cursor() as cursor:
        for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [Offer]):
            cursor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0006_offer'),
        ('messaging', '0003_providers'),
    ]
    run_before = [
        ('messaging', '0004_message_is_one_text'),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
