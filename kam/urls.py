from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from accounts.login_throttle import ThrottledAuthenticationForm
from kam.views import healthz

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("planning.urls")),
    path("performance/", include("performance.urls")),
    path("inbox/", include("notifications.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=ThrottledAuthenticationForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("kam.api.urls")),
]
