from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from history.changes import Change
from history.models import Change as ChangeEntry
from history.queries import cluster_changes, feed, object_changes

PAGE_SIZE = 50


class ReadableHistoryMixin:
    """The history doors of an admin: its «История» as people read it, the version page and
    revert of django-simple-history — all through the gate (clusters/gate.py).

    Put it first among the bases of every admin with a history (a test checks that every
    registered SimpleHistoryAdmin has it). It replaces django-simple-history's list of raw
    rows (English headers, truncated diffs) with the registry's own page, and:

    * a row the user may not see (`visible_to`) answers 404 on every history URL — the same
      as an id that does not exist, so history ids cannot enumerate drafts;
    * revert is a save of the current row with the version's values, through the admin's
      write service (`save_model`), for a row the user may change (`editable_by`): for a
      user without the publish right a change of public data becomes a pending change.
    """

    object_history_template = "admin/history/object_history.html"

    def history_changes(self, obj) -> list[Change]:
        return object_changes(obj)

    def history_object(self, request, object_id):
        """The live row behind a history URL if `request.user` may see it; else 404."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied  # the same for every id: no model right at all
        queryset = self.get_queryset(request).visible_to(request.user)
        field = self.model._meta.pk
        try:
            value = field.to_python(unquote(object_id))
            return queryset.get(**{field.attname: value})
        except (self.model.DoesNotExist, ValidationError, ValueError, TypeError):
            raise Http404 from None

    def history_view(self, request, object_id, extra_context=None):
        obj = self.history_object(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": f"История изменений: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "changes": self.history_changes(obj),
            "show_object": False,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.object_history_template, context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self.history_object(request, object_id)
        try:
            version = self.model.history.get(id=obj.pk, history_id=int(version_id))
        except (self.model.history.model.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
        if request.method == "POST":
            return self.history_revert(request, obj, version)
        return super().history_form_view(request, str(obj.pk), version.history_id, extra_context)

    def history_revert(self, request, obj, version):
        """Save `obj` with the submitted values of the version page, as its change page
        would: the same form, the same write service, the same refusals."""
        if self.revert_disabled(request, obj) or not self.has_change_permission(request, obj):
            raise PermissionDenied
        form = self.get_form(request, obj, change=True)(request.POST, request.FILES, instance=obj)
        version_url = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_simple_history",
            args=[obj.pk, version.history_id],
        )
        if not form.is_valid():
            errors = "; ".join(" ".join(e) for e in form.errors.values())
            self.message_user(request, f"Не сохранено: {errors}", messages.ERROR)
            return redirect(version_url)
        try:
            with transaction.atomic():
                new_object = self.save_form(request, form, change=True)
                self.save_model(request, new_object, form, change=True)
                self.save_related(request, form, [], change=True)
        except (PermissionDenied, ValidationError) as exc:
            reason = " ".join(getattr(exc, "messages", [str(exc)]))
            self.message_user(request, f"Не сохранено: {reason}", messages.ERROR)
            return redirect(version_url)
        self.log_change(request, new_object, self.construct_change_message(request, form, []))
        return self.response_change(request, new_object)


class ClusterHistoryMixin(ReadableHistoryMixin):
    """A cluster's history includes its colleges', employers', figures' and funding lines'."""

    def history_changes(self, obj) -> list[Change]:
        return cluster_changes(obj)

    def history_view(self, request, object_id, extra_context=None):
        return super().history_view(
            request, object_id, extra_context={"show_object": True, **(extra_context or {})}
        )


@admin.register(ChangeEntry)
class ChangeFeedAdmin(admin.ModelAdmin):
    """The feed of all changes, for federal staff (permission `history.view_change`)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        view = self.admin_site.admin_view(self.changelist_view)
        return [path("", view, name=f"{self.opts.app_label}_{self.opts.model_name}_changelist")]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            page = max(1, int(request.GET.get("page", 1)))
        except ValueError:
            page = 1
        filterset, changes, has_next = feed(
            request.GET, user=request.user, page=page, page_size=PAGE_SIZE
        )
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            **self.admin_site.each_context(request),
            "title": "Лента изменений",
            "subtitle": None,
            "opts": self.opts,
            "filterset": filterset,
            "changes": changes,
            "show_object": True,
            "page": page,
            "has_next": has_next,
            "query": query.urlencode(),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/history/change_feed.html", context)
