import fcntl
import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .base import OutgoingText, SmsBackend


class FileBackend(SmsBackend):
    """Appends one JSON line per text to SMS_FILE_PATH, for demos and black-box tests."""

    def send(self, text: OutgoingText) -> str:
        line = json.dumps(
            {
                "to": text.to,
                "body": text.body,
                "kind": text.kind,
                "sent_at": timezone.now().isoformat(),
                "message_id": text.message_id,
            }
        )
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            # Several workers append at once; one lock keeps every line whole.
            fcntl.flock(out, fcntl.LOCK_EX)
            out.write(line + "\n")
        return f"file-{text.message_id}"
