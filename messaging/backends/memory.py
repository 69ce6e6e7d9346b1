from .base import OutgoingText, SmsBackend, SmsError

outbox: list[OutgoingText] = []
# Errors the next sends raise, in order: tests rehearse provider trouble with the
# real send path instead of patching it (like Django's locmem backend, a first-class fake).
failures: list[SmsError] = []


class MemoryBackend(SmsBackend):
    """Keeps every text in `messaging.backends.memory.outbox`, for tests."""

    def send(self, text: OutgoingText) -> str:
        if failures:
            raise failures.pop(0)
        outbox.append(text)
        return f"memory-{text.message_id}"
