from dataclasses import dataclass


@dataclass(frozen=True)
class OutgoingText:
    message_id: int
    to: str
    body: str
    kind: str


class SmsError(Exception):
    """A text did not go out. `permanent` errors are not worth a retry."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class SmsBackend:
    rate_limited = False  # True: sends wait for a slot in the account's throughput (messaging.throttle)

    def send(self, text: OutgoingText) -> str:
        """Send one text; return the provider's id for it."""
        raise NotImplementedError
