"""Simulated phones: they learn of offers only from the texts the memory SMS backend holds,
and answer through the same doors real phones use.

A phone taps the YES/NO link (a GET of the page, then the POST of its form with its
CSRF token, through django.test.Client) or texts YES/NO back through
`messaging.replies.inbound_text_receive`, as the Vonage webhook does. When it
gets the numbered list of open offers back, it answers "YES 2" for the one it meant.
"""

import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.test import Client

from messaging.backends import OutgoingText, memory
from messaging.replies import inbound_text_receive

from .reply_model import Reaction, ReplyModel, stream
from .world import SimMusician, World

logger = logging.getLogger(__name__)

TOKEN = re.compile(r"/o/([\w-]+)/(?:yes|no)\b")
OFFER = re.compile(r'can you play (?P<instrument>[a-z ]+?)(?: on "(?P<song>[^"]*)")?, (?P<session>[^?]+)\? YES ')
FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
OFFER_LIST = re.compile(r"(\d+)\) ")

Schedule = Callable[[dt.datetime, Callable[[], None]], None]


@dataclass
class PendingOffer:
    token: str
    describes: str  # "drums, Sat Mar 6, 2:00-5:00 PM EST": how the engine's reply texts name it
    reaction: Reaction
    reminded: bool = False


@dataclass
class Phone:
    musician: SimMusician
    client: Client
    offers_seen: Counter[int] = field(default_factory=Counter)  # per order
    silent: dict[str, PendingOffer] = field(default_factory=dict)  # offers it will not answer unprompted


class Phones:
    """Every musician's phone; `deliver` hands them what the outbox received since last time."""

    def __init__(self, *, world: World, model: ReplyModel, schedule: Schedule) -> None:
        self.world, self.model, self.schedule = world, model, schedule
        self.phones = {m.phone: Phone(m, _browser()) for m in world.musicians}
        self.read_up_to = 0
        self.replies_sent = 0
        self.tally: Counter[str] = Counter()  # what the phones did and saw, for the run's notes

    def deliver(self, now: dt.datetime) -> None:
        while self.read_up_to < len(memory.outbox):
            text = memory.outbox[self.read_up_to]
            self.read_up_to += 1
            phone = self.phones.get(text.to)
            if phone is not None:
                self._receive(phone, text, now)

    def _receive(self, phone: Phone, text: OutgoingText, now: dt.datetime) -> None:
        if text.kind == "offer":
            self._offered(phone, text.body, now)
        elif text.kind == "reminder":
            self._reminded(phone, text.body, now)

    def _offered(self, phone: Phone, body: str, now: dt.datetime) -> None:
        token, offer = TOKEN.search(body), OFFER.search(body)
        if token is None or offer is None:
            # The offer text changed shape: the phones must learn it, or the run means nothing.
            self.tally["offer texts the phones could not read"] += 1
            logger.warning("A simulated phone could not read an offer text; update workflow.simulation.phones")
            return
        order = self.world.order_for_song(offer["song"] or "")
        order_index = order.index if order else -1
        nth = phone.offers_seen[order_index]
        phone.offers_seen[order_index] += 1
        rng = stream(self.world.seed, "offer", phone.musician.index, order_index, nth)
        reaction = self.model.reaction(rng, phone.musician.behaviour)
        pending = PendingOffer(token[1], f"{offer['instrument']}, {offer['session']}", reaction)
        if reaction.answers:
            self._answer_later(phone, pending, now, reaction.delay)
        else:
            phone.silent[pending.token] = pending

    def _reminded(self, phone: Phone, body: str, now: dt.datetime) -> None:
        """A reminder naming offers (by their links) is about those; one naming none, about all still silent."""
        named = [phone.silent[t] for t in TOKEN.findall(body) if t in phone.silent]
        for pending in named or list(phone.silent.values()):
            if pending.reminded:
                continue
            pending.reminded = True
            if pending.reaction.answers_after_reminder:
                self.tally["answers prompted by a reminder"] += 1
                self._answer_later(phone, pending, now, pending.reaction.reminder_delay)

    def _answer_later(self, phone: Phone, pending: PendingOffer, now: dt.datetime, delay: dt.timedelta) -> None:
        at = phone.musician.behaviour.answers_at(now, delay)
        self.schedule(at, lambda: self._answer(phone, pending))

    def _answer(self, phone: Phone, pending: PendingOffer) -> None:
        phone.silent.pop(pending.token, None)
        word = "yes" if pending.reaction.says_yes else "no"
        if pending.reaction.by_link:
            self._tap(phone, pending, word)
        else:
            self._text(phone, pending, word)

    def _tap(self, phone: Phone, pending: PendingOffer, word: str) -> None:
        """Open the link; press the page's button if it shows one (an ended offer shows none)."""
        path = f"/o/{pending.token}/{word}"
        page = phone.client.get(path, secure=True)
        form = FORM_TOKEN.search(page.content.decode())
        if page.status_code != 200 or form is None:
            self.tally[f"links opened on an ended offer ({page.status_code})"] += 1
            return
        # The press is stored and redirects (303) to the offer's page; with eager tasks it is decided by then.
        pressed = phone.client.post(path, {"csrfmiddlewaretoken": form[1]}, secure=True, follow=True)
        if pressed.status_code >= 500:
            self.tally[f"ENGINE ERRORS on a button press (HTTP {pressed.status_code})"] += 1
        self.tally[f"buttons pressed ({word}, HTTP {pressed.status_code})"] += 1

    def _text(self, phone: Phone, pending: PendingOffer, word: str) -> None:
        """Text YES/NO; if the engine answers with the list of open offers, pick the one meant."""
        reply = self._send(phone, word.upper())
        if reply is not None and "open offers. Reply YES 1" in reply:
            number = _number_in_list(reply, pending.describes)
            if number is None:
                self.tally["reply texts about an offer no longer open (list without it)"] += 1
                return
            reply = self._send(phone, f"{word.upper()} {number}")
        if reply is not None and "no open offers" in reply:
            self.tally["reply texts about an offer no longer open"] += 1
        elif reply is not None and pending.describes not in reply:
            self.tally["reply texts that answered another offer than the one meant"] += 1
        self.tally[f"reply texts ({word})"] += 1

    def _send(self, phone: Phone, text: str) -> str | None:
        """Text the studio; the engine's answer to it (the last reply text it sent back), if any."""
        self.replies_sent += 1
        mark = len(memory.outbox)
        try:
            inbound_text_receive(
                provider_id=f"sim-{self.replies_sent}",
                from_phone=phone.musician.phone,
                text=text,
                params={"msisdn": phone.musician.phone.lstrip("+"), "text": text},
            )
        except Exception as error:  # the inbound webhook would answer 500: the phone sees nothing back
            self.tally[f"ENGINE ERRORS on a reply text ({type(error).__name__})"] += 1
            logger.warning("The engine failed on a simulated reply text: %r", error)
            return None
        answers = [t.body for t in memory.outbox[mark:] if t.to == phone.musician.phone and t.kind == "reply"]
        return answers[-1] if answers else None


def _browser() -> Client:
    """A phone's browser: its own cookies, CSRF enforced, and a server error is a 500 page, as on a phone."""
    return Client(enforce_csrf_checks=True, raise_request_exception=False, HTTP_ORIGIN="https://testserver")


def _number_in_list(reply: str, describes: str) -> int | None:
    """The number of `describes` in "... 1) drums, Sat Mar 6, ... 2) bass, ..."."""
    parts = OFFER_LIST.split(reply.split("(etc.): ", 1)[-1])
    # split keeps the numbers: [before, "1", "drums, ...", "2", "bass, ..."]
    for number, line in zip(parts[1::2], parts[2::2], strict=True):
        if line.strip() == describes:
            return int(number)
    return None
