"""SMS backends of the tests' own, picked by dotted path in SMS_BACKEND like any other."""

from celery.exceptions import SoftTimeLimitExceeded

from messaging.backends.base import OutgoingText, SmsBackend


class CutShortBackend(SmsBackend):
    """A send stopped by the task's soft time limit: Celery raises SoftTimeLimitExceeded
    wherever the task happens to be, here inside the backend."""

    def send(self, text: OutgoingText) -> str:
        raise SoftTimeLimitExceeded()
