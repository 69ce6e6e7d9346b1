"""Orders as they arrive (InboundEmail) and the bookings made from them."""

from django.db import models
from django.db.models import F, Q


class InboundEmail(models.Model):
    """One call to the Zapier webhook, stored exactly as received before anything else.

    Never deleted. A replay of an email already seen is stored too, pointing at
    the first copy (`duplicate_of`), so the history of what Zapier sent is whole.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"  # stored, not yet read
        PARSED = "parsed", "Parsed"  # read as an order: the worker makes its booking (or the manager did, by hand)
        UNPARSEABLE = "unparseable", "Unparseable"  # an email, but not an order we can read
        MALFORMED = "malformed", "Malformed"  # not JSON, form or an email at all
        DUPLICATE = "duplicate", "Duplicate"  # a replay of `duplicate_of`
        FAILED = "failed", "Failed (reading or booking it kept raising)"  # the manager was told; stored for a fix

    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    content_type = models.CharField(max_length=255, blank=True)
    headers = models.JSONField(default=dict, help_text="Request headers, the token removed.")
    body = models.BinaryField(help_text="The request body, byte for byte.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    dedupe_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replays")
    message_id = models.CharField(max_length=998, blank=True)
    sender = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=998, blank=True)
    body_plain = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    parse_result = models.JSONField(null=True, blank=True)
    errors = models.JSONField(default=list, blank=True)
    read_failures = models.PositiveSmallIntegerField(
        default=0, help_text="Readings of it, or makings of its booking, that raised (a bug, not the email)."
    )
    read_error = models.TextField(blank=True, help_text="The last error reading it or making its booking raised.")

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject or '(no subject)'}"


class BookingQuerySet(models.QuerySet["Booking"]):
    def locked(self, pk: int) -> "Booking":
        """The booking with its row locked until the transaction ends (call inside one).

        Every change to a booking (an answer, the sweep, the manager, a cancel)
        takes this lock first, so changes to one booking happen one at a time.
        """
        return _time_checked(self._for_update().get(pk=pk))

    def locked_for_offer(self, **offer: object) -> "Booking":
        """The booking of the offer matching `offer` (pk=… or token=…), locked as `locked` does,
        found in the same query (an answer's first step)."""
        return _time_checked(self._for_update().get(**{f"offers__{field}": value for field, value in offer.items()}))

    def _for_update(self) -> "BookingQuerySet":
        related = self.select_related("studio__fill_policy", "current_time")
        return related.select_for_update(of=("self",))


def _time_checked(booking: "Booking") -> "Booking":
    """The current time read again if the lock's join brought a stale one.

    A caller that waited for the lock gets the booking row as its holder committed it,
    but PostgreSQL does not re-read the joined current time: if the holder moved the
    booking to another time, the join is empty (or old). Now that we hold the lock a
    plain read is current; it costs a query only after such a race.
    """
    joined = booking.current_time.pk if booking.current_time is not None else None
    if joined != booking.current_time_id:
        booking.current_time = (
            CandidateTime.objects.get(pk=booking.current_time_id) if booking.current_time_id is not None else None
        )
    return booking


class Booking(models.Model):
    class Status(models.TextChoices):
        OFFERING = "offering", "Offering"
        CONFIRMED = "confirmed", "Confirmed"
        NEEDS_ATTENTION = "needs_attention", "Needs attention"
        CANCELLED = "cancelled", "Cancelled"

    studio = models.ForeignKey("scheduling.Studio", on_delete=models.PROTECT, related_name="bookings")
    inbound_email = models.OneToOneField(
        InboundEmail, null=True, blank=True, on_delete=models.PROTECT, related_name="booking"
    )
    client_name = models.CharField(max_length=200)
    client_email = models.EmailField(blank=True)
    song_title = models.CharField(max_length=300, blank=True)
    mp3_url = models.URLField(max_length=1000, blank=True)
    video_url = models.URLField(max_length=1000, blank=True)
    other_links = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    time_zone = models.CharField(max_length=64, help_text="The zone the client's times were written in.")
    session_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty: each window the client gave is one session."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OFFERING, db_index=True)
    current_time = models.ForeignKey(
        "CandidateTime",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The time being offered now; once confirmed, the session's time.",
    )
    planned_at = models.DateTimeField(null=True, blank=True, help_text="When its candidate times were worked out.")
    last_offer_at = models.DateTimeField(null=True, blank=True, help_text="When the latest offer was texted.")
    next_step_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="When the sweep next looks at it: a wave's wait ends or a nudge is due.",
    )
    attention_reason = models.TextField(blank=True, help_text="Why the manager is needed.")
    plan_failures = models.PositiveSmallIntegerField(default=0, help_text="Planning runs that raised.")
    plan_error = models.TextField(blank=True, help_text="The last error planning raised.")

    class CalendarSync(models.TextChoices):
        NONE = "", "Not booked yet"
        PENDING = "pending", "Pending"
        SYNCED = "synced", "Synced"
        FAILED = "failed", "Failed"

    calendar_sync = models.CharField(max_length=10, choices=CalendarSync.choices, blank=True, default="")
    calendar_error = models.TextField(blank=True, help_text="The calendar provider's last error.")
    calendar_sync_attempts = models.PositiveSmallIntegerField(default=0, help_text="Calendar writes that failed.")
    calendar_sync_queued_at = models.DateTimeField(
        null=True, blank=True, help_text="When the calendar write was last queued; the relay queues it again later."
    )
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When its last seat was filled (set again when a drop-out is filled)."
    )
    confirmation_sent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the confirmation's follow-up ran (texts, voided offers, client email, calendars); "
        "empty while a worker still has it to do.",
    )
    confirmation_failures = models.PositiveSmallIntegerField(
        default=0, help_text="Confirmation follow-ups that raised."
    )
    confirmation_error = models.TextField(blank=True, help_text="The last error the confirmation's follow-up raised.")
    escalation_paused = models.BooleanField(default=False, help_text="The sweep leaves this booking alone.")
    reopened_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A booked musician dropped out and the seat is being filled again (back to offering "
        "at the same time, the other fills kept); empty once the line-up is whole.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        song = f" – {self.song_title}" if self.song_title else ""
        return f"#{self.pk} {self.client_name}{song}"

    @property
    def confirmed_time(self) -> "CandidateTime | None":
        return self.current_time if self.status == self.Status.CONFIRMED else None


class RequestedWindow(models.Model):
    """A time range the client said works for them, as written in the email."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="requested_windows")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    source_line = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["booking", "starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="window_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M} UTC"


class CandidateTime(models.Model):
    """One session the client offered and the studio is free for, ranked in the plan."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="candidate_times")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    rank = models.PositiveIntegerField(help_text="Position in the offer plan, 1 first.")
    in_business_hours = models.BooleanField()
    viable = models.BooleanField(default=False, help_text="A full line-up was free when the booking was planned.")

    class Meta:
        ordering = ["booking", "rank"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="candidate_ends_after_start"),
            models.UniqueConstraint(fields=["booking", "rank"], name="candidate_rank_unique"),
            models.UniqueConstraint(fields=["booking", "starts_at"], name="candidate_start_unique"),
        ]

    def __str__(self) -> str:
        return f"option {self.rank}: {self.starts_at:%Y-%m-%d %H:%M} UTC"


class Seat(models.Model):
    """One instrument the booking needs; two violins are two seats."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="seats")
    instrument = models.ForeignKey("musicians.Instrument", on_delete=models.PROTECT, related_name="seats")
    number = models.PositiveSmallIntegerField(default=1, help_text="1 for the first violin, 2 for the second…")

    class Meta:
        ordering = ["booking", "instrument__name", "number"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "instrument", "number"], name="seat_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.number}" if self.number > 1 else str(self.instrument)


class Fill(models.Model):
    """A musician holding a seat at one candidate time (they said YES first)."""

    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="fills")
    candidate_time = models.ForeignKey(CandidateTime, on_delete=models.CASCADE, related_name="fills")
    musician = models.ForeignKey("musicians.Musician", on_delete=models.PROTECT, related_name="fills")
    offer = models.OneToOneField(
        "Offer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fill",
        help_text="Empty: assigned by hand.",
    )
    filled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["candidate_time", "seat"]
        constraints = [
            # The database, not Python, decides the race between two YESes.
            models.UniqueConstraint(fields=["seat", "candidate_time"], name="fill_one_musician_per_seat_and_time"),
            models.UniqueConstraint(fields=["candidate_time", "musician"], name="fill_one_seat_per_musician_and_time"),
        ]

    def __str__(self) -> str:
        return f"{self.musician} on {self.seat}"


class Offer(models.Model):
    """One seat of one booking at one candidate time, asked of one musician.

    The seed's "messages table" (musician, option, booking, booking time,
    instrument) is this row; the text that carried it is `message`.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        LATE = "late", "Late (seat already taken)"
        VOIDED = "voided", "Voided"
        UNDELIVERABLE = "undeliverable", "Undeliverable (the text failed)"
        STANDBY = "standby", "Standby (said yes after the seat was taken)"

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="offers")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="offers")
    candidate_time = models.ForeignKey(CandidateTime, on_delete=models.CASCADE, related_name="offers")
    musician = models.ForeignKey("musicians.Musician", on_delete=models.PROTECT, related_name="offers")
    token = models.CharField(max_length=32, unique=True, help_text="The secret in the offer's YES/NO links.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    message = models.OneToOneField(
        "messaging.Message",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offer",
        help_text="The text that carried the offer.",
    )
    created_at = models.DateTimeField(db_index=True)
    sends_at = models.DateTimeField(
        null=True, blank=True, help_text="Held for the musician's quiet hours until then; empty: sent at once."
    )
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="When the seat may move on past this offer (it stays open for a late YES)."
    )
    nudge_at = models.DateTimeField(null=True, blank=True, help_text="When the one nudge to a silent musician is due.")
    nudged_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # The button on the offer's page stores the press here and a worker decides it (bookings.presses).
    pressed_answer = models.CharField(
        max_length=3, blank=True, choices=[("yes", "YES"), ("no", "NO")], help_text="The button pressed on its page."
    )
    pressed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was pressed: the answer counts from then."
    )
    press_outcome = models.CharField(max_length=16, blank=True, help_text="What the press did, once decided.")
    press_decided_at = models.DateTimeField(null=True, blank=True)
    press_failures = models.PositiveSmallIntegerField(default=0, help_text="Decisions of the press that raised.")
    press_error = models.TextField(blank=True, help_text="The last error deciding the press raised.")

    class Meta:
        ordering = ["booking", "created_at", "pk"]
        indexes = [
            # The presses still waiting for a worker: a handful at most, found per booking in press order.
            models.Index(
                fields=["booking", "pressed_at", "id"],
                condition=Q(pressed_at__isnull=False, press_outcome=""),
                name="offer_press_pending",
            ),
        ]
        constraints = [
            # A musician is offered a seat at a time once, however often the sweep runs.
            models.UniqueConstraint(
                fields=["seat", "candidate_time", "musician"], name="offer_asked_once_per_seat_time_and_musician"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seat} at option {self.candidate_time.rank} to {self.musician} ({self.status})"

    @property
    def option(self) -> int:
        """The seed's "option": the time's position in the plan."""
        return self.candidate_time.rank


class FillPolicy(models.Model):
    """How a studio fills its seats: one row per studio, edited by the manager in the admin.

    `seed` is the original sketch (one musician per seat at a time, a fixed wait,
    any hour); `paced` is the default chosen by simulating the engine (see the
    README): small waves, waits that shrink as the session nears, quiet hours,
    one nudge, standby. The numbers below are used by `paced`.
    """

    class Name(models.TextChoices):
        PACED = "paced", "Paced: waves, shrinking waits, quiet hours, a nudge, standby"
        SEED = "seed", "Seed: one at a time, a fixed wait, any hour"

    studio = models.OneToOneField("scheduling.Studio", on_delete=models.CASCADE, related_name="fill_policy")
    name = models.CharField(max_length=10, choices=Name.choices, default=Name.PACED)
    wave_size = models.PositiveSmallIntegerField(default=3, help_text="Musicians asked at once per seat.")
    near_wave_size = models.PositiveSmallIntegerField(
        default=4, help_text="Musicians asked at once per seat when the session is less than 48 hours away."
    )
    longest_wait_minutes = models.PositiveSmallIntegerField(default=60, help_text="The wait before a seat moves on.")
    shortest_wait_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="The wait never shrinks below this, however near the session."
    )
    nudge = models.BooleanField(default=True, help_text="Text the silent once, halfway through their wait.")
    standby = models.BooleanField(default=True, help_text="A YES after the seat was taken puts them on standby.")
    quiet_hours = models.BooleanField(
        default=True, help_text="Hold offers and nudges during each musician's quiet hours (their own zone)."
    )
    short_notice_hours = models.PositiveSmallIntegerField(
        default=12,
        help_text="Closer than this to the last moment to book, a seat is offered to everyone left "
        "and quiet hours give way.",
    )

    class Meta:
        verbose_name_plural = "fill policies"

    def __str__(self) -> str:
        return f"{self.studio}: {self.get_name_display()}"


class BookingText(models.Model):
    """A text sent about a booking (offers, confirmations, notices, alerts, replies).

    The booking's side of the link: messaging.Message knows nothing of bookings.
    """

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="texts")
    message = models.OneToOneField("messaging.Message", on_delete=models.PROTECT, related_name="booking_text")
    # The text's own time (its Message's created_at), copied here so that a booking's latest
    # texts come off one index on this table, not a join and sort of its whole history.
    texted_at = models.DateTimeField()

    class Meta:
        ordering = ["booking", "message"]
        indexes = [models.Index(fields=["booking", "-texted_at", "-message"], name="bookingtext_latest")]

    def __str__(self) -> str:
        return f"Text {self.message_id} about booking {self.booking_id}"


class BookingEvent(models.Model):
    """A line in a booking's history: what the engine did, or what the manager did by hand."""

    class Kind(models.TextChoices):
        PLANNED = "planned", "Planned"
        ESCALATED = "escalated", "Escalated"
        MOVED_ON = "moved_on", "Moved to the next time"
        CONFIRMED = "confirmed", "Confirmed"
        NEEDS_ATTENTION = "needs_attention", "Needs attention"
        CANCELLED = "cancelled", "Cancelled"
        PAUSED = "paused", "Escalation paused"
        RESUMED = "resumed", "Escalation resumed"
        ASSIGNED = "assigned", "Assigned by hand"
        RESENT = "resent", "Text resent"
        REPARSED = "reparsed", "Email read again"
        CALENDARS = "calendars", "Calendars written again"
        DROPPED_OUT = "dropped_out", "Musician dropped out"
        LINEUP_RESTORED = "lineup_restored", "Line-up whole again"
        REPLY_RECEIVED = "reply_received", "Reply from a musician"
        MANAGER_REPLIED = "manager_replied", "Manager answered"

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    summary = models.CharField(max_length=500)
    actor = models.CharField(max_length=150, default="workflow", help_text="'workflow', or the admin user.")

    class Meta:
        ordering = ["booking", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}: {self.summary}"


class ClientEmail(models.Model):
    """One email to the booking's client, claimed by this row so it is sent once.

    Queued after the commit that made it (bookings.client_emails); the task claims
    the row, sends through Django's EMAIL_BACKEND and counts every failed try here.
    """

    class Kind(models.TextChoices):
        CONFIRMED = "confirmed", "Booking confirmed"
        CANCELLED = "cancelled", "Booking cancelled by the studio"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Maybe sent (its send was cut off)"

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="client_emails")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    to_email = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Sends that failed.")
    error = models.TextField(blank=True)
    next_try_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="When a queued email is due (the relay queues it again after)."
    )
    created_at = models.DateTimeField()
    sending_started_at = models.DateTimeField(
        null=True, blank=True, help_text="When the send that holds the claim began (a lapsed one: maybe sent)."
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["booking", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "kind"], name="client_email_once_per_booking_and_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_email} ({self.status})"


class MusicianReply(models.Model):
    """A text from a musician that was not a keyword or an answer, kept for the manager to read.

    `forwarded` is the text to the manager that carried it; empty when one about the
    same musician and booking went within the hour (the page shows it anyway).
    """

    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    musician = models.ForeignKey("musicians.Musician", on_delete=models.CASCADE, related_name="replies")
    inbound = models.OneToOneField("messaging.InboundText", on_delete=models.CASCADE, related_name="musician_reply")
    text = models.TextField()
    received_at = models.DateTimeField(db_index=True)
    forwarded = models.OneToOneField(
        "messaging.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="forwarded_reply"
    )

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name_plural = "musician replies"

    def __str__(self) -> str:
        return f"{self.musician}: {self.text[:40]}"


class SessionReminder(models.Model):
    """The one reminder a booked musician gets before a session (this row claims it)."""

    candidate_time = models.ForeignKey(CandidateTime, on_delete=models.CASCADE, related_name="reminders")
    musician = models.ForeignKey("musicians.Musician", on_delete=models.CASCADE, related_name="session_reminders")
    message = models.OneToOneField("messaging.Message", null=True, blank=True, on_delete=models.SET_NULL)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["candidate_time", "musician"], name="reminder_once_per_session_and_musician"
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.musician} for {self.candidate_time}"


class MorningSummary(models.Model):
    """The manager's morning text on a day with sessions: one per studio per local day."""

    studio = models.ForeignKey("scheduling.Studio", on_delete=models.CASCADE, related_name="morning_summaries")
    day = models.DateField()
    message = models.OneToOneField("messaging.Message", null=True, blank=True, on_delete=models.SET_NULL)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["studio", "day"], name="morning_summary_once_per_day")]

    def __str__(self) -> str:
        return f"Morning summary for {self.studio} on {self.day}"
