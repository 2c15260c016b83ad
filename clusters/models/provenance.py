"""Where each fact comes from: citations, conflicts between sources, possible duplicates and
merges of records. Modelled on statements with references: a fact (a cluster's launch year,
a membership, a figure) is stated by one or more sources, each with its words; a second
document adds a citation and never erases a fact; two documents that disagree raise a
conflict that staff resolve. Written only by clusters/facts.py and clusters/merging.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from clusters import gate
from clusters.choices import ConflictState, FactKind, MatchState, MergeModel
from common.models import TimeStampedModel
from common.querysets import RegistryQuerySet
from regions.models import Region


class _FollowsClusterQuerySet(RegistryQuerySet):
    """Rows about one cluster follow it through the gate (clusters/gate.py)."""

    def visible_to(self, user):
        rule = gate.cluster_visible_q(user, "cluster__")
        return self.filter(rule) if rule != Q() else self.all()

    def editable_by(self, user):
        rule = gate.cluster_editable_q(user, "cluster__")
        return self.none() if rule == gate.NOTHING else self.filter(rule)


class Citation(TimeStampedModel):
    """A source stating one fact of a cluster, in its own words.

    The fact is a field of the cluster (`fact` = the field's name, `value` = the value as
    this source gives it), a member college or employer (`cluster_college` /
    `cluster_employer`, `value` = the role it states, or empty), or a reported figure
    (`figure`). A fact that several documents repeat has a citation from each; a source
    that only implies a fact («колледж … аграрный» for agriculture) is `is_implied`."""

    cluster = models.ForeignKey(
        "clusters.Cluster",
        verbose_name="кластер",
        on_delete=models.CASCADE,
        related_name="citations",
    )
    fact = models.CharField("факт", max_length=20, choices=FactKind.choices)
    cluster_college = models.ForeignKey(
        "clusters.ClusterCollege",
        verbose_name="участие колледжа",
        on_delete=models.CASCADE,
        related_name="citations",
        null=True,
        blank=True,
    )
    cluster_employer = models.ForeignKey(
        "clusters.ClusterEmployer",
        verbose_name="партнёрство",
        on_delete=models.CASCADE,
        related_name="citations",
        null=True,
        blank=True,
    )
    figure = models.ForeignKey(
        "clusters.ReportedFigure",
        verbose_name="показатель",
        on_delete=models.CASCADE,
        related_name="citations",
        null=True,
        blank=True,
    )
    value = models.CharField("значение по источнику", max_length=500, blank=True)
    source = models.ForeignKey(
        "clusters.Source",
        verbose_name="источник",
        on_delete=models.PROTECT,
        related_name="citations",
    )
    quote = models.TextField("формулировка источника", blank=True)
    is_implied = models.BooleanField(
        "только подразумевается",
        default=False,
        help_text="Источник не называет факт прямо: он следует из названия или контекста.",
    )

    objects = _FollowsClusterQuerySet.as_manager()

    class Meta:
        verbose_name = "ссылка на источник"
        verbose_name_plural = "ссылки на источники"
        ordering = ["cluster", "fact", "created_at", "pk"]
        indexes = [models.Index(fields=["cluster", "fact"], name="clusters_citation_fact")]
        constraints = [
            # The row a citation is about matches its kind of fact: a member, a figure, or
            # none for a field of the cluster.
            models.CheckConstraint(
                condition=(
                    Q(
                        fact=FactKind.COLLEGE,
                        cluster_college__isnull=False,
                        cluster_employer__isnull=True,
                        figure__isnull=True,
                    )
                    | Q(
                        fact=FactKind.EMPLOYER,
                        cluster_college__isnull=True,
                        cluster_employer__isnull=False,
                        figure__isnull=True,
                    )
                    | Q(
                        fact=FactKind.FIGURE,
                        cluster_college__isnull=True,
                        cluster_employer__isnull=True,
                        figure__isnull=False,
                    )
                    | (
                        Q(fact__in=FactKind.field_values())
                        & Q(
                            cluster_college__isnull=True,
                            cluster_employer__isnull=True,
                            figure__isnull=True,
                        )
                    )
                ),
                name="clusters_citation_target_matches_fact",
            ),
            models.UniqueConstraint(
                fields=["cluster", "fact", "source", "value"],
                condition=Q(fact__in=FactKind.field_values()),
                name="clusters_citation_one_per_field_value_source",
            ),
            models.UniqueConstraint(
                fields=["cluster_college", "source"],
                condition=Q(cluster_college__isnull=False),
                name="clusters_citation_one_per_membership_source",
            ),
            models.UniqueConstraint(
                fields=["cluster_employer", "source"],
                condition=Q(cluster_employer__isnull=False),
                name="clusters_citation_one_per_partnership_source",
            ),
            models.UniqueConstraint(
                fields=["figure", "source"],
                condition=Q(figure__isnull=False),
                name="clusters_citation_one_per_figure_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_fact_display()}: {self.source}"


class ConflictQuerySet(RegistryQuerySet):
    """Conflicts follow their cluster; a region's joint money follows its region's editors."""

    def visible_to(self, user):
        if gate.can_view_drafts(user):
            return self.all()
        return self.filter(
            Q(cluster__isnull=False) & gate.cluster_visible_q(user, "cluster__")
            | Q(cluster__isnull=True) & gate.region_q(gate.profile_region_ids(user), "region")
        )

    def editable_by(self, user):
        rule = gate.region_q(gate.editable_region_ids(user, "clusters.change_cluster"), "region")
        return self.none() if rule == gate.NOTHING else self.filter(rule)

    def open(self):
        return self.filter(state=ConflictState.OPEN)


class FactConflict(TimeStampedModel):
    """Two sources disagree on one fact. The registry keeps the value it had (with its
    sources) and records the other with its source and words, until staff decide: keep,
    replace (a change with a reason in the history) or, for money, record both lines."""

    cluster = models.ForeignKey(
        "clusters.Cluster",
        verbose_name="кластер",
        on_delete=models.CASCADE,
        related_name="conflicts",
        null=True,
        blank=True,
    )
    region = models.ForeignKey(
        Region, verbose_name="субъект РФ", on_delete=models.PROTECT, related_name="conflicts"
    )
    fact = models.CharField("факт", max_length=30)
    label = models.CharField("что расходится", max_length=200)
    target_model = models.CharField("вид записи", max_length=50)
    target_id = models.PositiveBigIntegerField("запись")
    kept_value = models.CharField("значение в реестре", max_length=500, blank=True)
    kept_display = models.CharField("значение в реестре (как показано)", max_length=500)
    proposed_value = models.CharField("значение по источнику", max_length=500, blank=True)
    proposed_display = models.CharField("значение по источнику (как показано)", max_length=500)
    proposed_source = models.ForeignKey(
        "clusters.Source",
        verbose_name="источник расхождения",
        on_delete=models.PROTECT,
        related_name="conflicts",
    )
    proposed_quote = models.TextField("формулировка источника", blank=True)
    proposed_data = models.JSONField(
        "что записать при замене", default=dict, blank=True, editable=False
    )
    state = models.CharField(
        "решение", max_length=12, choices=ConflictState.choices, default=ConflictState.OPEN
    )
    resolution_comment = models.TextField("обоснование решения", blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="решил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField("решено", null=True, blank=True)
    history = HistoricalRecords()

    objects = ConflictQuerySet.as_manager()

    class Meta:
        verbose_name = "расхождение источников"
        verbose_name_plural = "расхождения источников"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "region"], name="clusters_conflict_state")]
        constraints = [
            # A source's disagreement on one fact of one record is raised once.
            models.UniqueConstraint(
                fields=["target_model", "target_id", "fact", "proposed_source", "proposed_value"],
                name="clusters_factconflict_once",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ConflictState.values),
                name="clusters_factconflict_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.kept_display} / {self.proposed_display}"


class RegionRecordQuerySet(RegistryQuerySet):
    """Rows about records of one subject: seen by those who see its drafts."""

    def visible_to(self, user):
        if gate.can_view_drafts(user):
            return self.all()
        return self.filter(gate.region_q(gate.profile_region_ids(user), "region"))

    def editable_by(self, user):
        return self.filter(
            gate.region_q(gate.editable_region_ids(user, "clusters.change_college"), "region")
        )

    def open(self):
        return self.filter(state=MatchState.OPEN)


class MatchProposal(TimeStampedModel):
    """Two records that may be one organisation («возможно, это …»): the matcher was not sure
    (clusters/matching.py), so nothing was merged; staff merge them or mark them distinct."""

    model = models.CharField("вид записей", max_length=12, choices=MergeModel.choices)
    record_id = models.PositiveBigIntegerField("запись")
    other_id = models.PositiveBigIntegerField("возможно, та же запись")
    record_name = models.CharField("название", max_length=500)
    other_name = models.CharField("название другой записи", max_length=500)
    region = models.ForeignKey(
        Region,
        verbose_name="субъект РФ",
        on_delete=models.PROTECT,
        related_name="match_proposals",
        null=True,
        blank=True,
    )
    score = models.FloatField("сходство, %")
    reason = models.CharField("почему", max_length=200, blank=True)
    state = models.CharField(
        "решение", max_length=12, choices=MatchState.choices, default=MatchState.OPEN
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

    objects = RegionRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "возможный дубликат"
        verbose_name_plural = "возможные дубликаты"
        ordering = ["state", "-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "record_id", "other_id"], name="clusters_matchproposal_once"
            ),
            models.CheckConstraint(
                condition=~Q(record_id=models.F("other_id")),
                name="clusters_matchproposal_two_records",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_name} — возможно, это {self.other_name}"


class Merge(TimeStampedModel):
    """One record merged into another by staff: what moved, and the merged record as it was,
    so that the merge can be undone from the history."""

    model = models.CharField("вид записей", max_length=12, choices=MergeModel.choices)
    kept_id = models.PositiveBigIntegerField("оставленная запись")
    merged_id = models.PositiveBigIntegerField("присоединённая запись")
    kept_name = models.CharField("оставлена", max_length=500)
    merged_name = models.CharField("присоединена", max_length=500)
    region = models.ForeignKey(
        Region,
        verbose_name="субъект РФ",
        on_delete=models.PROTECT,
        related_name="merges",
        null=True,
        blank=True,
    )
    snapshot = models.JSONField("присоединённая запись до объединения", editable=False)
    moved = models.JSONField("что перенесено", default=list, editable=False)
    reason = models.TextField("обоснование", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="объединил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reverted_at = models.DateTimeField("отменено", null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="отменил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RegionRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "объединение записей"
        verbose_name_plural = "объединения записей"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.merged_name} → {self.kept_name}"
