from .base import OutgoingText, SmsBackend

outbox: list[OutgoingText] = []


class MemoryBackend(SmsBackend):
    """Keeps every text in `messaging.backends.memory.outbox`, for tests."""

    def send(self, text: OutgoingText) -> str:
        outbox.append(text)
        return f"memory-{text.message_id}"
