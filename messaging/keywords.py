"""What a musician's text says: a keyword, and for YES/NO maybe which offer."""

import re
from dataclasses import dataclass

STOP_WORDS = {"stop", "stopall", "quit", "end", "revoke", "opt out", "optout", "cancel", "unsubscribe"}
START_WORDS = {"start", "unstop", "yes start"}
HELP_WORDS = {"help", "info"}
YES_WORDS = {"yes", "y", "yeah", "yep", "ok", "okay", "sure"}
NO_WORDS = {"no", "n", "nope", "nah"}

# "YES", "yes!", "Y 2", "no #1", "YES, 2"
ANSWER = re.compile(r"^(?P<word>[a-z]+)[\s!.,#:-]*(?P<number>\d{1,3})?[\s!.]*$")


@dataclass(frozen=True)
class Reply:
    keyword: str  # "stop", "start", "help", "yes", "no" or "other"
    number: int | None = None  # "YES 2" picks the second offer of a list


def read_reply(text: str) -> Reply:
    words = " ".join(text.lower().split())[:100]
    if words in STOP_WORDS:
        return Reply("stop")
    if words in START_WORDS:
        return Reply("start")
    if words in HELP_WORDS:
        return Reply("help")
    match = ANSWER.match(words)
    if match:
        number = int(match["number"]) if match["number"] else None
        if match["word"] in YES_WORDS:
            return Reply("yes", number)
        if match["word"] in NO_WORDS:
            return Reply("no", number)
    return Reply("other")
