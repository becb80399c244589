from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kam.views import LoginView, healthz, set_language

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("planning.urls")),
    path("performance/", include("performance.urls")),
    path("inbox/", include("notifications.urls")),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("kam.api.urls")),
]
