"""``{% person_story person %}``: the person's employment and training story on the registry person page.

The registry does not depend on employment (employment depends on the registry), so the registry view does not
read these records: its template loads this tag, which reads through :func:`laobao.employment.selectors.person_story`
(scoped to the signed-in user; one query per section) and renders ``employment/person_story.html``."""

from __future__ import annotations

from django import template

from laobao.core.scoping import can_read
from laobao.employment import selectors

register = template.Library()


@register.inclusion_tag("employment/person_story.html", takes_context=True)
def person_story(context, person, only: str = ""):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not can_read(user, "person"):
        return {"story": None}
    names = tuple(n for n in only.split(",") if n) or tuple(selectors.STORY)
    return {"story": selectors.person_story(user, person, names), "person": person, "today": context.get("today")}
