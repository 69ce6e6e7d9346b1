"""The keywords messaging answers itself: the carriers' opt-out words, START and HELP.

Anything else a musician texts (YES, NO, "running late") belongs to whoever sent
them the text it answers; messaging hands it on through `messaging.listeners`.
"""

import enum

STOP_WORDS = {"stop", "stopall", "quit", "end", "revoke", "opt out", "optout", "cancel", "unsubscribe"}
START_WORDS = {"start", "unstop", "yes start"}
HELP_WORDS = {"help", "info"}


class Keyword(enum.StrEnum):
    STOP = "stop"
    START = "start"
    HELP = "help"


def normalized(text: str) -> str:
    """Lower case, single spaces, and short: what keyword matching compares."""
    return " ".join(text.lower().split())[:100]


def read_keyword(text: str) -> Keyword | None:
    words = normalized(text)
    if words in STOP_WORDS:
        return Keyword.STOP
    if words in START_WORDS:
        return Keyword.START
    if words in HELP_WORDS:
        return Keyword.HELP
    return None
