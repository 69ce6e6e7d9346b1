from dataclasses import dataclass


@dataclass(frozen=True)
class OutgoingText:
    message_id: int
    to: str
    body: str
    kind: str


class SmsError(Exception):
    """A text did not go out, or may not have. `permanent` errors are not worth a retry.

    `maybe_sent`: the request reached the provider but its answer was lost (a read
    timeout), so the text may be on its way; the send task waits for a receipt
    before it tries again.
    """

    def __init__(self, reason: str, *, permanent: bool, maybe_sent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.maybe_sent = maybe_sent


class SmsBackend:
    rate_limited = False  # True: sends wait for a slot in the account's throughput (messaging.throttle)

    def send(self, text: OutgoingText) -> str:
        """Send one text; return the provider's id for it."""
        raise NotImplementedError
