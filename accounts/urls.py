from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/<int:account_id>/", views.account_detail, name="detail"),
]
