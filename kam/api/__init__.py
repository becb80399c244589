"""The REST API under /api/v1/, with its OpenAPI schema at /api/schema/ and docs at /api/docs/.

This package holds what every resource shares: URL wiring, permissions, pagination,
throttling, the exception handler and the base classes for serializers, filters and
viewsets. Each app keeps its own resources in `<app>/api.py` (serializers + viewsets)
and lists them in a module-level `routes`; `kam.api.urls.API_MODULES` names those modules.
"""
