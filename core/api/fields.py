"""Serializer fields that take JSON values of exactly the type the schema names.

DRF is lenient by default: it reads `"5"` as the integer 5, `5` as the string "5" and
`"yes"` as true. An API other systems write to is clearer when a wrong type is a field
error, as the OpenAPI schema promises, so every writable field of the API uses these.
"""

from rest_framework import serializers

from core.text import strip_invisible

# The largest id the database holds (a 64-bit signed integer).
MAX_ID = 2**63 - 1


class _JSONType:
    """Refuse input whose JSON type is not one of `json_types` (bool never counts as a number)."""

    json_types: tuple[type, ...] = ()

    def to_internal_value(self, data):
        if isinstance(data, bool) and bool not in self.json_types or not isinstance(data, self.json_types):
            self.wrong_type(data)
        return super().to_internal_value(data)

    def wrong_type(self, data):
        self.fail("invalid")


class CharField(_JSONType, serializers.CharField):
    json_types = (str,)

    def to_internal_value(self, data):
        # The schema's maxLength counts the text as sent: too long is refused even if trimming the
        # surrounding spaces would make it fit.
        if isinstance(data, str) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        # Direction and zero-width characters are dropped, as the web forms do (core.text).
        if isinstance(data, str):
            data = strip_invisible(data)
            if not data.strip() and not self.allow_blank:
                self.fail("blank")
        return super().to_internal_value(data)


class EmailField(_JSONType, serializers.EmailField):
    json_types = (str,)


class ChoiceField(_JSONType, serializers.ChoiceField):
    json_types = (str,)

    def wrong_type(self, data):
        self.fail("invalid_choice", input=data)


class IntegerField(_JSONType, serializers.IntegerField):
    json_types = (int,)


class DecimalField(_JSONType, serializers.DecimalField):
    """A JSON number; amounts without decimal places come out as exact integers, not floats."""

    json_types = (int, float)

    def to_representation(self, value):
        if self.decimal_places == 0 and not self.coerce_to_string and value is not None:
            return int(value)
        return super().to_representation(value)


class BooleanField(_JSONType, serializers.BooleanField):
    json_types = (bool,)


class PrimaryKeyRelatedField(_JSONType, serializers.PrimaryKeyRelatedField):
    json_types = (int,)

    def run_validation(self, data=serializers.empty):
        # DRF reads "" as null for relations; here an empty string is a string, not "no parent".
        if data == "":
            self.wrong_type(data)
        return super().run_validation(data)

    def wrong_type(self, data):
        self.fail("incorrect_type", data_type=type(data).__name__)


# Which strict field replaces each of DRF's, for ModelSerializer's field mapping.
STRICT_FIELDS = {
    serializers.CharField: CharField,
    serializers.EmailField: EmailField,
    serializers.ChoiceField: ChoiceField,
    serializers.IntegerField: IntegerField,
    serializers.DecimalField: DecimalField,
    serializers.BooleanField: BooleanField,
}
