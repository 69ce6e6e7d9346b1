"""System checks for settings that must never reach production as defaults."""

from django.conf import settings
from django.core.checks import Error, Warning, register


@register(deploy=True)
def check_production_secrets(**_kwargs: object) -> list[Error | Warning]:
    problems: list[Error | Warning] = []
    if settings.SECRET_KEY == settings.INSECURE_DEV_SECRET_KEY:
        problems.append(Error("SECRET_KEY is the development default.", id="workflow.E001"))
    if not settings.ZAPIER_TOKEN:
        problems.append(Warning("ZAPIER_TOKEN is empty: the email webhook refuses every call.", id="workflow.W001"))
    return problems
