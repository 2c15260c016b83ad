"""What waits for the user on the admin's front page: clusters sent for review and changes
of public data (counted only for those who may decide them)."""

from __future__ import annotations

from django import template

from clusters import gate
from clusters.choices import ReviewState
from clusters.models import Cluster, PendingChange

register = template.Library()


@register.simple_tag(takes_context=True)
def review_queue(context) -> dict:
    user = context["request"].user
    if not gate.can_publish(user):
        return {}
    return {
        "clusters": Cluster.objects.visible_to(user)
        .filter(review_state=ReviewState.IN_REVIEW)
        .count(),
        "changes": PendingChange.objects.editable_by(user).waiting().count(),
    }
