"""What every registry admin shares: the gate on every list, page, choice and write.

* lists, change pages, history and autocomplete results start from `visible_to(user)`;
* a row the user may see but not edit opens read-only (`editable_by(user)` decides);
* foreign-key choices (region, cluster) offer only what the user may write into, in the
  select and in autocomplete, and the form refuses anything else;
* saves, inline saves and deletes call the app's write services (`actor=request.user`), so
  the admin holds no business rule of its own; a refused write is a message, not a 500.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from common import gating
from common.pending import pending_of


def _is_autocomplete(request) -> bool:
    return request.path.rstrip("/").endswith("/autocomplete")


def region_choices_for(user, model: type[models.Model]):
    """Regions `user` may put rows of `model` in (all of them for federal staff)."""
    Region = gating.region_model()  # noqa: N806 — a model class
    meta = model._meta
    regions = gating.gate().editable_region_ids(user, f"{meta.app_label}.add_{meta.model_name}")
    if regions is None:
        return Region.objects.all()
    return Region.objects.filter(pk__in=sorted(regions))


class GatedAdminMixin:
    """Applies the gate; subclasses implement `service_save` / `service_delete`."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def _editable(self, request, obj) -> bool:
        return type(obj).objects.editable_by(request.user).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or self._editable(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or self._editable(request, obj)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if _is_autocomplete(request):
            # An autocomplete fills a field the user is writing: offer only what they may
            # write into (their clusters, their regions).
            queryset = self.autocomplete_queryset(request, queryset)
        return queryset, may_have_duplicates

    def autocomplete_queryset(self, request, queryset):
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is gating.region_model():
            kwargs["queryset"] = region_choices_for(request.user, db_field.model)
        elif db_field.related_model is gating.cluster_model():
            kwargs["queryset"] = db_field.related_model.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # --- writes through the services -------------------------------------------------------

    def service_save(self, request, obj, form, change: bool) -> None:
        raise NotImplementedError

    def service_delete(self, request, obj) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        result = self.service_save(request, obj, form, change)
        tell_if_pending(request, result)

    def delete_model(self, request, obj):
        tell_if_pending(request, self.service_delete(request, obj))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            tell_if_pending(request, self.service_delete(request, obj))

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except (PermissionDenied, ValidationError) as exc:
            # A rule only the service knows refused the save, and its transaction was rolled
            # back. The same POST is shown again as a form with that error (`get_form`), so
            # nothing the user typed is lost — neither the fields nor the inline rows.
            if request.method != "POST" or getattr(request, "_service_refusal", None):
                raise
            request._service_refusal = exc
            return super().changeform_view(request, *args, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                if isinstance(refusal, ValidationError) and hasattr(refusal, "error_dict"):
                    for name, errors in refusal.error_dict.items():
                        self.add_error(name if name in self.fields else None, errors)
                else:
                    self.add_error(None, _error_text(refusal))
                return cleaned

        RefusedForm.__name__ = form_class.__name__
        return RefusedForm


def tell_if_pending(request, result) -> None:
    """Say so when a save only proposed a change to public data (clusters/review.py)."""
    from django.contrib import messages

    change = pending_of(result)
    if change is None:
        return
    shown = request.__dict__.setdefault("_pending_told", set())
    if change.pk in shown:
        return
    shown.add(change.pk)
    messages.warning(
        request,
        f"Изменение «{change}» отправлено на проверку федеральному редактору: "
        "посетители увидят его после одобрения.",
    )


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "Не сохранено: " + " ".join(exc.messages)
    return f"Не сохранено: {exc}"


def form_fields(form, obj) -> dict[str, Any]:
    """The plain (non-many-to-many) model fields a form edits, with their cleaned values."""
    m2m = {f.name for f in obj._meta.many_to_many}
    return {
        name: value
        for name, value in form.cleaned_data.items()
        if name not in m2m and name in {f.name for f in obj._meta.concrete_fields}
    }


class RegistryModelAdmin(GatedAdminMixin, SimpleHistoryAdmin):
    """Admin of a registry model: the gate, history, and writes through services."""


class GatedInlineMixin:
    """Inline rows follow the gate too: only what the user may see, choices they may write,
    and no add/change/delete on a parent the user may not edit."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def _parent_editable(self, request, obj) -> bool:
        if obj is None or obj.pk is None:
            return True
        cache = request.__dict__.setdefault("_gate_editable", {})
        key = (type(obj), obj.pk)
        if key not in cache:
            cache[key] = type(obj).objects.editable_by(request.user).filter(pk=obj.pk).exists()
        return cache[key]

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._parent_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._parent_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._parent_editable(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is gating.region_model():
            kwargs["queryset"] = region_choices_for(request.user, db_field.model)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
