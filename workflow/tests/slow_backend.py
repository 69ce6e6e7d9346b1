"""An SMS backend that is slow on purpose, so a test can kill a worker in the middle of a send."""

import os
import time
from pathlib import Path

from django.conf import settings

from messaging.backends.base import OutgoingText
from messaging.backends.file import FileBackend


class SlowFileBackend(FileBackend):
    """Says it started (a marker file), waits SLOW_SEND_SECONDS, then writes like the file backend."""

    def send(self, text: OutgoingText) -> str:
        marker = Path(settings.SMS_FILE_PATH + ".started")
        with marker.open("a") as started:
            started.write(f"{os.getpid()} {text.message_id}\n")
        time.sleep(float(os.environ.get("SLOW_SEND_SECONDS", "0")))
        return super().send(text)
