"""Changes to public data that wait for review: what a user without the publish right changes
on a published cluster, a public college or employer, or a region's joint money is recorded
here instead of being written; the public keeps the approved version until a federal editor
approves it (written through the same services) or returns it with a comment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from clusters import gate
from clusters.choices import ChangeKind, ChangeState
from common.models import TimeStampedModel
from common.querysets import RegistryQuerySet
from regions.models import Region


class PendingChangeQuerySet(RegistryQuerySet):
    """Who sees a proposal: those who see the region's drafts (reviewers and federal editors
    everywhere, regional editors in their regions) — never the public."""

    def visible_to(self, user):
        if gate.can_view_drafts(user):
            return self.all()
        regions = gate.editable_region_ids(user, "clusters.change_cluster")
        return self.filter(gate.region_q(regions, "region"))

    def editable_by(self, user):
        """Who decides it: a publisher who may change the region's records."""
        if not gate.can_publish(user):
            return self.none()
        regions = gate.editable_region_ids(user, "clusters.change_cluster")
        rule = gate.region_q(regions, "region")
        return self.none() if rule == gate.NOTHING else self.filter(rule)

    def waiting(self):
        return self.filter(state=ChangeState.PENDING)


class PendingChange(TimeStampedModel):
    """One proposed change to public data: what it changes, the field-by-field diff people
    read, the data the approval writes, who proposed it and why, and the decision."""

    kind = models.CharField("вид изменения", max_length=20, choices=ChangeKind.choices)
    target_model = models.CharField("вид записи", max_length=50)
    target_id = models.PositiveBigIntegerField("запись", null=True, blank=True)
    target_name = models.CharField("запись (как названа)", max_length=500)
    cluster = models.ForeignKey(
        "clusters.Cluster",
        verbose_name="кластер",
        on_delete=models.CASCADE,
        related_name="pending_changes",
        null=True,
        blank=True,
    )
    region = models.ForeignKey(
        Region, verbose_name="субъект РФ", on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField("что записать при одобрении", default=dict, editable=False)
    diff = models.JSONField("что меняется", default=list, editable=False)
    reason = models.TextField("обоснование автора", blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="предложил",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    state = models.CharField(
        "решение", max_length=12, choices=ChangeState.choices, default=ChangeState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="решил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("решено", null=True, blank=True)
    comment = models.TextField("комментарий проверяющего", blank=True)

    objects = PendingChangeQuerySet.as_manager()

    class Meta:
        verbose_name = "изменение на проверке"
        verbose_name_plural = "изменения на проверке"
        ordering = ["state", "-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "region"], name="clusters_pending_state")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ChangeState.values), name="clusters_pendingchange_state"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ChangeKind.values), name="clusters_pendingchange_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.target_name}"
