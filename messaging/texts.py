"""The words of the texts messaging writes itself: answers to STOP, START, HELP and the unknown.

Short, plain GSM-7. The texts about bookings (offers, confirmations) are bookings'.
"""

from .listeners import Sender


def opted_out_text(*, studio_name: str) -> str:
    return f"{studio_name}: you won't get any more texts from us. Reply START to get session offers again."


def opted_in_text(*, studio_name: str) -> str:
    return f"{studio_name}: welcome back! You'll get session offers again. Reply STOP to stop."


def help_text(*, sender: Sender) -> str:
    contact = f" Questions: {sender.contact_name} {sender.contact_phone}." if sender.contact_phone else ""
    return f"{sender.name} texts you session offers. Reply YES or NO to an offer, STOP to stop texts.{contact}"


def unknown_reply_text(*, studio_name: str) -> str:
    return f"{studio_name}: sorry, we didn't get that. Reply YES or NO to an offer, HELP for help, STOP to stop."


def still_opted_out_text(*, studio_name: str) -> str:
    return f"{studio_name}: you opted out of texts. Reply START to get session offers again."
