"""Review before publishing, on the cluster's admin pages.

Regional editors send a draft (or a returned cluster) «на проверку»; federal editors find
the clusters waiting in the list (a banner and the «на проверке» filter), publish them or
return them with a comment, which the regional editors then read on the change page. Every
step goes through clusters.services; the admin only shows the buttons a user may press.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse

from clusters import gate, services
from clusters.choices import ReviewState
from clusters.models import Cluster

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
        waiting = 0
        if gate.can_publish(request.user):
            waiting = self.get_queryset(request).filter(review_state=ReviewState.IN_REVIEW).count()
        extra = {"review_waiting": waiting, "review_queue_query": QUEUE_QUERY}
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
