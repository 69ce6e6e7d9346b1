"""How messaging tells the apps above it what happened, without importing them.

Messaging owns the transport: it knows that a text failed, that a number opted out,
or that a reply came in that is not one of its own keywords (STOP, START, HELP). What
that means for a booking is the business of the app that sent the text. That app
fills this registry when it starts (bookings does, in its AppConfig.ready), the way
anymail turns provider events into signals: messaging calls the listeners and never
imports upward, not even inside a function.

The registry is explicit and small on purpose: three events, the HELP reply's extra words
and the sender's name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from musicians.models import Musician

    from .models import InboundText, Message


@dataclass(frozen=True)
class Sender:
    """Who the texts are from, for the replies messaging writes itself (STOP, HELP…)."""

    name: str
    contact_name: str = ""
    contact_phone: str = ""


ReplyListener = Callable[["InboundText", dt.datetime], "str | None"]
FailedListener = Callable[["Message", bool, dt.datetime], None]
OptOutListener = Callable[[int, dt.datetime], None]
HelpListener = Callable[["Musician"], str]


@dataclass
class Listeners:
    replies: list[ReplyListener] = field(default_factory=list)
    failures: list[FailedListener] = field(default_factory=list)
    opt_outs: list[OptOutListener] = field(default_factory=list)
    helps: list[HelpListener] = field(default_factory=list)
    sender: Callable[[], Sender] | None = None


registry = Listeners()


def on_reply(listener: ReplyListener) -> ReplyListener:
    """`listener(inbound, now)` is asked about every reply messaging does not own itself.

    It returns what it did (stored on the InboundText) or None if the reply is not
    its business; the first answer wins. Nobody answering gets the "not understood" hint.
    """
    if listener not in registry.replies:  # ready() may run twice
        registry.replies.append(listener)
    return listener


def on_text_failed(listener: FailedListener) -> FailedListener:
    """`listener(message, gave_up, now)` hears once about each text that will never arrive.

    `gave_up` is True when the text ran out of retries (a passing error that lasted),
    False when it was refused for good (a bad number, an opted-out phone, the carrier).
    """
    if listener not in registry.failures:  # ready() may run twice
        registry.failures.append(listener)
    return listener


def on_opt_out(listener: OptOutListener) -> OptOutListener:
    """`listener(musician_id, now)` hears each time a musician opts out (STOP or the carrier)."""
    if listener not in registry.opt_outs:  # ready() may run twice
        registry.opt_outs.append(listener)
    return listener


def on_help(listener: HelpListener) -> HelpListener:
    """`listener(musician)` returns words to add to the HELP reply for that musician ("" for none)."""
    if listener not in registry.helps:  # ready() may run twice
        registry.helps.append(listener)
    return listener


def help_extra(musician: Musician) -> str:
    return "".join(listener(musician) for listener in registry.helps)


def set_sender(provider: Callable[[], Sender]) -> None:
    registry.sender = provider


def sender() -> Sender:
    if registry.sender is not None:
        return registry.sender()
    return Sender(settings.STUDIO_NAME, settings.MANAGER_NAME, settings.MANAGER_PHONE)


def reply_received(inbound: InboundText, now: dt.datetime) -> str | None:
    for listener in registry.replies:
        outcome = listener(inbound, now)
        if outcome is not None:
            return outcome
    return None


def text_failed(message: Message, *, gave_up: bool, now: dt.datetime) -> None:
    for listener in registry.failures:
        listener(message, gave_up, now)


def opted_out(musician_id: int, now: dt.datetime) -> None:
    for listener in registry.opt_outs:
        listener(musician_id, now)
