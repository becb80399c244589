"""Base classes for the API's serializers: strict JSON types, writes through services (related ids limited to what the caller sees: `accounts.api.base.VisibleRelatedField`)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import fields
from core.api.exceptions import field_errors

# Free text (descriptions, notes) has no limit in the database; the API sets one so a
# huge payload is a field error rather than a huge row.
TEXT_MAX_LENGTH = 10_000
# `extra_kwargs` of the common kinds of field: free text, and an amount of money (whole won, not negative).
TEXT = {"max_length": TEXT_MAX_LENGTH}
MONEY = {"max_digits": 16, "decimal_places": 0, "min_value": 0, "coerce_to_string": False}


class StrictModelSerializer(serializers.ModelSerializer):
    """A model serializer whose fields take only JSON values of the type the schema names (core.api.fields)."""

    serializer_field_mapping = {
        model_field: fields.STRICT_FIELDS.get(serializer_field, serializer_field)
        for model_field, serializer_field in serializers.ModelSerializer.serializer_field_mapping.items()
    }
    serializer_related_field = fields.PrimaryKeyRelatedField
    serializer_choice_field = fields.ChoiceField


class ServiceModelSerializer(StrictModelSerializer):
    """A model serializer whose create and update go through one `save_instance`, the place to call a service.

    The default `save_instance` validates the instance against every model rule (fields and
    constraints) and saves it, for models that have no domain service. A Django ValidationError
    raised there becomes a 400 with field errors; everything runs in one transaction.
    `Meta.fixed_on_update` names fields that cannot change once the record exists (its account);
    `Meta.service_fields` names write-only fields that are passed to `save_instance`, not to the model.
    """

    fixed_message = _("This cannot change once the record exists; create a new record instead.")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None:
            errors = {
                field: [self.fixed_message]
                for field in getattr(self.Meta, "fixed_on_update", ())
                if field in attrs and attrs[field] != getattr(self.instance, field)
            }
            if errors:
                raise serializers.ValidationError(errors)
        return attrs

    @property
    def acting_user(self):
        return self.context["request"].user

    def create(self, validated_data):
        many, extra, fields = self._split(validated_data)
        return self._save(self.Meta.model(**fields), many, extra)

    def update(self, instance, validated_data):
        many, extra, fields = self._split(validated_data)
        for name, value in fields.items():
            setattr(instance, name, value)
        return self._save(instance, many, extra)

    def _split(self, validated_data: dict) -> tuple[dict, dict, dict]:
        data = dict(validated_data)
        extra = {name: data.pop(name) for name in getattr(self.Meta, "service_fields", ()) if name in data}
        many_to_many = {field.name for field in self.Meta.model._meta.many_to_many}
        many = {name: data.pop(name) for name in list(data) if name in many_to_many}
        return many, extra, data

    def _save(self, instance: Model, many: dict, extra: dict) -> Model:
        try:
            with transaction.atomic():
                saved = self.save_instance(instance, **extra)
                for name, values in many.items():
                    getattr(saved, name).set(values)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(field_errors(exc)) from None
        return saved

    def save_instance(self, instance: Model, **extra) -> Model:
        instance.full_clean()
        instance.save()
        return instance
