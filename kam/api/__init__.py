"""The REST API under /api/v1/, with its OpenAPI schema at /api/schema/ and docs at /api/docs/.

This package wires the URLs only. What every resource shares lives in `core.api` (pagination,
throttling, the exception handler, base serializers and filters) and `accounts.api.base` (the
account-visibility permission and the account-data viewset). Each app keeps its own resources in
`<app>/api.py` (serializers + viewsets) and lists them in a module-level `routes`;
`kam.api.urls.API_MODULES` names those modules.
"""
