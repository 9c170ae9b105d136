"""The REST API under /api/v1 (django-ninja): a thin shell over registry selectors and services.

``laobao.api.main.api`` is the one ``NinjaAPI``; ``laobao.api.urls`` mounts it. Each resource has
its own small module (persons, employers, regions, relations, me); ``auth`` holds session and
bearer-token authentication, ``errors`` turns every failure into a bilingual 4xx body.
"""
