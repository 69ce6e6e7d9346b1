"""A Celery worker in virtual time, for tests about waiting (time_machine moves the clock).

It takes tasks from the real broker, as a worker does, and runs each one once its
eta has come on the test's clock. A task that retries publishes its retry to the
broker itself (Celery's own `Task.retry`), so the worker meets it again there, due
when Celery said. Only the waiting is virtual: the broker, the task code, its
request (retries) and its retries are Celery's.
"""

import datetime as dt

from celery import Celery
from celery.exceptions import Retry
from kombu.message import Message as BrokerMessage


class VirtualWorker:
    def __init__(self, app: Celery) -> None:
        self.app = app
        self.connection = app.connection_for_read()
        self.queue = self.connection.SimpleQueue(app.conf.task_default_queue)
        self.waiting: list[BrokerMessage] = []
        self.ran: list[str] = []  # the task names, in the order they ran

    def purge(self) -> None:
        self._take_from_broker()
        for message in self.waiting:
            message.ack()
        self.waiting.clear()

    def run_due(self) -> int:
        """Run every task whose eta has come; return how many ran."""
        self._take_from_broker()
        now = dt.datetime.now(dt.UTC)
        due = [message for message in self.waiting if _eta(message) <= now]
        for message in due:
            self.waiting.remove(message)
            self._run(message)
        return len(due)

    def close(self) -> None:
        self.queue.close()
        self.connection.release()

    def _take_from_broker(self) -> None:
        while True:
            try:
                message = self.queue.get(block=False)
            except self.queue.Empty:
                return
            self.waiting.append(message)

    def _run(self, message: BrokerMessage) -> None:
        headers = message.headers
        task = self.app.tasks[headers["task"]]
        args, kwargs, _embed = message.decode()
        task.push_request(
            id=headers["id"], retries=headers.get("retries", 0), called_directly=False, is_eager=False, args=args,
            kwargs=kwargs, delivery_info={"routing_key": self.app.conf.task_default_queue},
        )  # fmt: skip
        try:
            task.run(*args, **kwargs)
        except Retry:
            pass  # the task published its retry to the broker (with its countdown) before raising
        finally:
            task.pop_request()
            message.ack()
            self.ran.append(headers["task"])


def _eta(message: BrokerMessage) -> dt.datetime:
    eta = message.headers.get("eta")
    return dt.datetime.fromisoformat(eta) if eta else dt.datetime.min.replace(tzinfo=dt.UTC)
