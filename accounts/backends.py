from django.contrib.auth.backends import ModelBackend

from accounts.roles import is_admin


class RoleBackend(ModelBackend):
    """Members of the Admin group hold every model permission, like superusers, without being one."""

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        if user_obj.is_active and is_admin(user_obj):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        if user_obj.is_active and is_admin(user_obj):
            return True
        return super().has_module_perms(user_obj, app_label)
