import sys

from .base import OutgoingText, SmsBackend


class ConsoleBackend(SmsBackend):
    """Prints each text, for `make run` on a laptop."""

    def send(self, text: OutgoingText) -> str:
        sys.stdout.write(f"\n--- SMS to {text.to} ({text.kind}) ---\n{text.body}\n---\n")
        sys.stdout.flush()
        return f"console-{text.message_id}"
