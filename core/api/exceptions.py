"""Every error as JSON with a 4xx status: model and service rules become field errors."""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.api.throttling import AnonThrottle

logger = logging.getLogger(__name__)


def field_errors(exc: DjangoValidationError) -> dict | list:
    """A Django ValidationError in DRF's shape: `{"field": ["message", ...]}`, `__all__` as non-field errors."""
    if hasattr(exc, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


def exception_handler(exc, context):
    """DRF's handler, plus: a model or service rule → 400 with field errors; a row still in use → 409;
    refused credentials count against the anonymous rate, and beyond it are a 429.
    """
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        # Every endpoint needs credentials, so DRF's own throttling (which runs after the
        # permission check) would never see an anonymous caller: count the refusals here.
        throttle = AnonThrottle()
        if not throttle.allow_request(context["request"], context["view"]):
            exc = exceptions.Throttled(wait=throttle.wait())
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(field_errors(exc))
    elif isinstance(exc, (ProtectedError, RestrictedError)):
        return Response(
            {"detail": _("Other records still refer to this one, so it cannot be deleted.")},
            status=status.HTTP_409_CONFLICT,
        )
    elif isinstance(exc, IntegrityError):
        # Validation runs first, so this is two writers racing for the same unique key.
        logger.warning("API write refused by a database constraint: %s", exc)
        return Response(
            {"detail": _("The data conflicts with a record written at the same time; try again.")},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)


def call_service(service, **kwargs):
    """Call a service from a view: a Django ValidationError (a rule it refuses) becomes DRF's, a 400
    with field errors; a PermissionDenied (a role it refuses) stays a 403."""
    try:
        return service(**kwargs)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(field_errors(exc)) from None
