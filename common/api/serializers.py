"""Write serializers that validate exactly as the admin does: the model's own full_clean()."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, router
from rest_framework import serializers
from rest_framework.validators import UniqueTogetherValidator, UniqueValidator

from common.api.exceptions import django_errors_as_dict


class _VisibleMixin:
    """A related field whose choices are the rows the requesting user may see (the gate), so
    a write can neither use nor reveal a draft the user cannot see: it is «not found»."""

    def get_queryset(self):
        request = self.context.get("request")
        return super().get_queryset().visible_to(getattr(request, "user", None))


class VisibleSlugRelatedField(_VisibleMixin, serializers.SlugRelatedField):
    pass


class VisiblePrimaryKeyRelatedField(_VisibleMixin, serializers.PrimaryKeyRelatedField):
    pass


class StrictStringsMixin:
    """Text fields take JSON strings only, as the schema says (`type: string`): DRF's CharField
    would quietly write the number 0 as the name «0» (issue 20)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {
                name: ["Ожидается строка."]
                for name, field in self.fields.items()
                if isinstance(field, serializers.CharField)
                and not field.read_only
                and data.get(name) is not None
                and not isinstance(data.get(name), str)
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class FullCleanModelSerializer(StrictStringsMixin, serializers.ModelSerializer):
    """Parses input, then runs the model's full_clean() on the would-be row before saving.

    DRF's own unique validators are dropped so that every message is the model's (the same
    Russian text the admin shows). Constraint violations, which Django reports without a
    field, are keyed to the field named in `Meta.constraint_fields` (constraint name → field).
    """

    # Foreign keys the model form would offer are narrowed to what the user may see.
    serializer_related_field = VisiblePrimaryKeyRelatedField

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.validators = [v for v in field.validators if not isinstance(v, UniqueValidator)]
        return fields

    def get_validators(self):
        return [v for v in super().get_validators() if not isinstance(v, UniqueTogetherValidator)]

    def _split_many_to_many(self, attrs: dict[str, Any]) -> tuple[dict, dict]:
        many = {f.name for f in self.Meta.model._meta.many_to_many}
        plain = {k: v for k, v in attrs.items() if k not in many}
        m2m = {k: v for k, v in attrs.items() if k in many}
        return plain, m2m

    def prepare_instance(self, instance: models.Model, attrs: dict[str, Any]) -> None:
        """Hook: fill implied values (e.g. a funding line's region) before validation."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        plain, _ = self._split_many_to_many(attrs)
        instance = self.instance if self.instance is not None else self.Meta.model()
        for name, value in plain.items():
            setattr(instance, name, value)
        self.prepare_instance(instance, attrs)
        full_clean_keyed(instance, getattr(self.Meta, "constraint_fields", {}))
        self._cleaned_instance = instance
        return attrs

    def create(self, validated_data):
        return self._save(validated_data)

    def update(self, instance, validated_data):
        return self._save(validated_data)

    def _save(self, validated_data) -> models.Model:
        instance = self._cleaned_instance
        _, m2m = self._split_many_to_many(validated_data)
        instance.save()
        for name, values in m2m.items():
            getattr(instance, name).set(values)
        return instance


def full_clean_keyed(instance: models.Model, constraint_fields: dict[str, str]) -> None:
    """full_clean(), with each constraint's message keyed to a field; raises DRF's 400."""
    errors: dict[str, list] = {}
    try:
        instance.full_clean(validate_constraints=False)
    except DjangoValidationError as exc:
        errors = exc.update_error_dict(errors)
    using = router.db_for_write(type(instance), instance=instance)
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            try:
                constraint.validate(model_class, instance, exclude=set(errors), using=using)
            except DjangoValidationError as exc:
                field = constraint_fields.get(constraint.name)
                if field is None and len(getattr(constraint, "fields", ())) == 1:
                    field = constraint.fields[0]
                errors.setdefault(field or NON_FIELD_ERRORS, []).append(exc)
    if errors:
        raise serializers.ValidationError(django_errors_as_dict(DjangoValidationError(errors)))
