"""The admin's navigation sidebar around Dane's pages, rendered once per sidebar rather than on every page.

The sidebar is the admin's own template (`admin/nav_sidebar.html`); what it prints follows from the
app list the admin puts in the context (which apps and models the user may see, their names and
URLs), which of them the page's path is under, and the language. Those make the key: the same
key is the same HTML, so it is rendered once and kept. Rendering it costs ~2 ms of a page that
refreshes every few seconds.
"""

from urllib.parse import quote

from django import template
from django.template import Engine
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

_SIDEBARS: dict[tuple, SafeString] = {}


@register.simple_tag(takes_context=True)
def nav_sidebar(context: template.Context) -> SafeString:
    """What `{% include "admin/nav_sidebar.html" %}` renders here, from the kept copy when there is one."""
    key = _sidebar_key(context)
    html = _SIDEBARS.get(key)
    if html is None:
        if len(_SIDEBARS) >= 256:  # bounded, however many permission sets and languages pass through
            _SIDEBARS.clear()
        engine = context.template.engine if context.template else Engine.get_default()  # as {% include %} finds it
        html = _SIDEBARS[key] = engine.get_template("admin/nav_sidebar.html").render(context)
    return html


def _sidebar_key(context: template.Context) -> tuple:
    """Everything of the context the sidebar's templates read: each app's label, URL, name and models
    (name, URL, add URL), whether the page's path is under each URL (they mark the current one), and
    the language of their words."""
    path = quote(context["request"].path)  # as the template's `request.path|urlencode`
    return (get_language(), tuple(
        (app["app_label"], app["app_url"], str(app["name"]), app["app_url"] in path, tuple(
            (model["object_name"], model["admin_url"], model["add_url"], str(model["name"]), model.get("view_only"),
             model["admin_url"] is not None and model["admin_url"] in path)
            for model in app["models"]
        ))
        for app in context.get("available_apps") or ()
    ))  # fmt: skip
