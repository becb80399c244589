from django.urls import path

from performance import views, views_goals, views_revenue

app_name = "performance"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("refresh/", views.dashboard_refresh, name="dashboard-refresh"),
    path("kpis/", views.kpi_catalogue, name="kpi-catalogue"),
    path("accounts/<int:account_id>/", views.account_kpis, name="account-kpis"),
    path("accounts/<int:account_id>/nps/", views.account_nps, name="account-nps"),
    path("accounts/<int:account_id>/actuals/", views.account_actuals, name="account-actuals"),
    path("accounts/<int:account_id>/revenue/", views_revenue.account_revenue_lines, name="account-revenue"),
    path("accounts/<int:account_id>/goals/", views_goals.personal_goals, name="personal-goals"),
    path("import/", views.import_upload, name="import"),
    path("import/revenue/", views_revenue.revenue_import_upload, name="import-revenue"),
    path("import/<int:batch_id>/", views.import_preview, name="import-preview"),
]
