"""Review before publishing, on the cluster's admin pages.

Regional editors send a draft (or a returned cluster) «на проверку»; federal editors find
the clusters waiting in the list (a banner and the «на проверке» filter), publish them or
return them with a comment, which the regional editors then read on the change page. Every
step goes through clusters.services; the admin only shows the buttons a user may press.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from clusters import gate, review, services
from clusters.choices import ChangeState, ReviewState
from clusters.models import Cluster, PendingChange
from common.models import NoHiddenCharacters

QUEUE_QUERY = f"review_state__exact={ReviewState.IN_REVIEW}"


class ClusterReviewMixin:
    """Adds the review panel to the cluster change page and its POST endpoint."""

    change_form_template = "admin/clusters/cluster/change_form.html"
    change_list_template = "admin/clusters/cluster/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.review_view)
        return [
            path("<path:object_id>/review/", view, name="clusters_cluster_review"),
            *super().get_urls(),
        ]

    def review_actions(self, request, cluster: Cluster) -> list[str]:
        """What `request.user` may do with `cluster` now: submit, publish, return, withdraw."""
        if (
            cluster is None
            or cluster.pk is None
            or not self.has_change_permission(request, cluster)
        ):
            return []
        state = cluster.review_state
        actions = []
        if state in (ReviewState.DRAFT, ReviewState.RETURNED):
            actions.append("submit")
        if gate.can_publish(request.user) and state != ReviewState.PUBLISHED:
            actions.append("publish")
        if gate.can_publish(request.user) and state == ReviewState.IN_REVIEW:
            actions.append("return")
        if gate.can_publish(request.user) and state == ReviewState.PUBLISHED:
            actions.append("withdraw")
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        cluster = self.get_object(request, unquote(object_id))
        extra = {
            "review_cluster": cluster,
            "review_actions": self.review_actions(request, cluster),
            "review_url": reverse("admin:clusters_cluster_review", args=[object_id])
            if cluster is not None
            else "",
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def changelist_view(self, request, extra_context=None):
        waiting = changes = 0
        if gate.can_publish(request.user):
            waiting = self.get_queryset(request).filter(review_state=ReviewState.IN_REVIEW).count()
            changes = PendingChange.objects.visible_to(request.user).waiting().count()
        extra = {
            "review_waiting": waiting,
            "review_queue_query": QUEUE_QUERY,
            "changes_waiting": changes,
        }
        return super().changelist_view(request, extra_context={**extra, **(extra_context or {})})

    def review_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        cluster = self.get_object(request, unquote(object_id))
        if cluster is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        action = request.POST.get("review_action", "")
        if action not in self.review_actions(request, cluster):
            raise PermissionDenied
        comment = request.POST.get("review_comment", "")
        done = {
            "submit": "Отправлено на проверку федеральным редакторам",
            "publish": "Опубликовано",
            "return": "Возвращено на доработку с комментарием",
            "withdraw": "Снято с публикации",
        }[action]
        step = {
            "submit": services.cluster_submit_for_review,
            "publish": services.cluster_publish,
            "return": services.cluster_return,
            "withdraw": services.cluster_withdraw,
        }[action]
        try:
            step(actor=request.user, cluster=cluster, comment=comment)
        except (PermissionDenied, ValidationError) as exc:
            reason = " ".join(getattr(exc, "messages", [str(exc)]))
            self.message_user(request, f"Не выполнено: {reason}", messages.ERROR)
        else:
            self.message_user(request, f"{done}: «{cluster}».", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:clusters_cluster_change", args=[cluster.pk]))


# --- changes to public data waiting for review (clusters/review.py) ---------------------------


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label="Комментарий (обязателен, если возвращаете)",
        required=False,
        validators=[NoHiddenCharacters(multiline=True)],
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


@admin.register(PendingChange)
class PendingChangeAdmin(admin.ModelAdmin):
    """The review queue of public changes: the diff with the author's reason; approve or
    return one (its page) or many at once (the list's actions, with one comment)."""

    list_display = ["target_name", "kind", "region", "proposed_by", "created_at", "state"]
    list_filter = ["state", "kind", "region"]
    list_select_related = ["region", "proposed_by"]
    search_fields = ["target_name", "reason"]
    actions = ["approve_selected", "return_selected"]
    change_form_template = "admin/clusters/pendingchange/decide.html"
    decide_template = "admin/clusters/pendingchange/decide_many.html"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, changes, action: str, comment: str) -> None:
        done, failed = 0, []
        for change in changes:
            try:
                if action == "approve":
                    review.change_approve(actor=request.user, change=change, comment=comment)
                else:
                    review.change_return(actor=request.user, change=change, comment=comment)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                failed.append(f"«{change}»: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
        verb = "Одобрено" if action == "approve" else "Возвращено"
        if done:
            self.message_user(request, f"{verb} изменений: {done}.", messages.SUCCESS)
        for text in failed:
            self.message_user(request, f"Не выполнено для {text}", messages.ERROR)

    def _many(self, request, queryset, action: str):
        form = DecisionForm(request.POST if "decide_confirm" in request.POST else None)
        if "decide_confirm" in request.POST and form.is_valid():
            self._decide(request, queryset.waiting(), action, form.cleaned_data["comment"])
            return None
        return TemplateResponse(
            request,
            self.decide_template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Одобрить изменения" if action == "approve" else "Вернуть изменения",
                "changes": queryset.waiting(),
                "form": form,
                "action": f"{action}_selected",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description="Одобрить выбранные изменения")
    def approve_selected(self, request, queryset):
        return self._many(request, queryset, "approve")

    @admin.action(description="Вернуть выбранные изменения с комментарием")
    def return_selected(self, request, queryset):
        return self._many(request, queryset, "return")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        change = self.get_object(request, unquote(object_id))
        if change is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, change):
            raise PermissionDenied
        may_decide = (
            change.state == ChangeState.PENDING
            and PendingChange.objects.editable_by(request.user).filter(pk=change.pk).exists()
        )
        form = DecisionForm(request.POST or None)
        if request.method == "POST":
            if not may_decide:
                raise PermissionDenied
            if form.is_valid():
                action = "approve" if "approve" in request.POST else "return"
                self._decide(request, [change], action, form.cleaned_data["comment"])
                return HttpResponseRedirect(reverse("admin:clusters_pendingchange_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Изменение на проверке: {change}",
            "change": change,
            "form": form,
            "may_decide": may_decide,
        }
        return TemplateResponse(request, self.change_form_template, context)
