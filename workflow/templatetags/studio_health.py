"""`{% background_parts_banner %}`: Dane's board says when texts may have stopped going out."""

from django import template

from workflow.heartbeats import BEAT, WORKER, HeartbeatsUnreadable, heartbeats_stale

register = template.Library()

PART_NAMES = {
    WORKER: "The worker (it sends the texts)",
    BEAT: "Beat (it runs the sweep and the relay)",
}


@register.inclusion_tag("workflow/_background_parts_banner.html")
def background_parts_banner() -> dict[str, object]:
    try:
        stale = heartbeats_stale(names=[WORKER, BEAT])
    except HeartbeatsUnreadable:
        stale = dict.fromkeys([WORKER, BEAT])  # the board still opens; the banner says what it can't see
    return {"stale_parts": [(PART_NAMES[name], last_seen) for name, last_seen in stale.items()]}
