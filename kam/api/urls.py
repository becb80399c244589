"""/api/v1/ (resources from each app's `api.routes`), /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI)."""

from importlib import import_module

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

# Each module lists its resources as `routes = [(prefix, viewset, basename), ...]`.
# A new app's resources are one line here and an `<app>/api.py`.
API_MODULES = (
    "accounts.api", "performance.orders_api", "performance.api", "performance.revenue_api", "performance.goals_api", "planning.api", "planning.api_meetings", "planning.api_grants",
)

app_name = "api"



class Router(DefaultRouter):
    """JSON only, so no `.json` suffix routes; ids are integers in the path (and the schema)."""

    include_format_suffixes = False


router = Router(use_regex_path=False)
for module_name in API_MODULES:
    for prefix, viewset, basename in import_module(module_name).routes:
        router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The docs page is for people: without a session it sends them to the login page.
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
]
