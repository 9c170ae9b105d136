"""The one NinjaAPI of laobao, mounted at /api/v1/ by ``laobao.api.urls``.

Every operation needs a login session or a bearer token; the interactive docs page is off (it
loads assets from a CDN, and government intranets are offline): read ``/api/v1/openapi.json``.
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from . import benefits, calc, employers, employment, errors, insurance, me, persons, regions, relations
from . import injury as injury_api
from .auth import AUTH


class Utf8Renderer(JSONRenderer):
    """Chinese stays readable in responses (no \\uXXXX escapes)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="laobao API",
    version="1",
    description="劳保 laobao: persons, employers, regions and employment relations, scoped to your jurisdiction. "
    "Errors: {\"detail\": [{\"field\", \"code\", \"zh\", \"en\"}]}.",
    urls_namespace="api",
    docs_url=None,
    auth=AUTH,
    renderer=Utf8Renderer(),
)
errors.install(api)
for module in (persons, employers, regions, relations, me, calc, insurance, benefits, employment, injury_api):
    api.add_router("", module.router)
