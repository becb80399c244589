from django.http import HttpRequest

from accounts.roles import is_admin, is_executive, primary_role_label


def role(request: HttpRequest) -> dict:
    """What the layout needs to know about the signed-in user's role (lazy: no query for anonymous pages)."""
    user = getattr(request, "user", None)
    if user is None:  # an error page for a request the middleware refused before signing in (400)
        return {"user_is_admin": False, "user_is_executive": False, "user_role_label": ""}
    return {
        "user_is_admin": lambda: is_admin(user),
        "user_is_executive": lambda: is_executive(user),
        "user_role_label": lambda: primary_role_label(user),
    }
