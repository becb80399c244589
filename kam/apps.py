from django.contrib.admin.apps import AdminConfig


class KamAdminConfig(AdminConfig):
    default_site = "kam.admin.KamAdminSite"
