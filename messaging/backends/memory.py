from .base import OutgoingText, SmsBackend, SmsError

outbox: list[OutgoingText] = []
# Errors the next sends raise, in order: tests rehearse provider trouble with the
# real send path instead of patching it (like Django's locmem backend, a first-class fake).
failures: list[SmsError] = []
# While set, every send raises it: the provider is down, for as long as a test says.
outage: SmsError | None = None
# Every text handed to the backend, sent or failed: how many provider calls a text cost.
tried: list[OutgoingText] = []


class MemoryBackend(SmsBackend):
    """Keeps every text in `messaging.backends.memory.outbox`, for tests."""

    def send(self, text: OutgoingText) -> str:
        tried.append(text)
        if outage is not None:
            raise outage
        if failures:
            raise failures.pop(0)
        outbox.append(text)
        return f"memory-{text.message_id}"
