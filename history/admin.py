from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from history.changes import Change
from history.models import Change as ChangeEntry
from history.queries import cluster_changes, feed, object_changes

PAGE_SIZE = 50


class ReadableHistoryMixin:
    """An object's «История» as people read it: who, when, why, and each field before → after.

    Put it first among a ModelAdmin's bases; it replaces django-simple-history's list of
    raw rows (English headers, truncated diffs) with the registry's own page.
    """

    object_history_template = "admin/history/object_history.html"

    def history_changes(self, obj) -> list[Change]:
        return object_changes(obj)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
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
        filterset, changes, has_next = feed(request.GET, page=page, page_size=PAGE_SIZE)
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
