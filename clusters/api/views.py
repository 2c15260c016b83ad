from django.db.models import Prefetch

from clusters import services
from clusters.api.serializers import (
    ClusterCollegeSerializer,
    ClusterCollegeWriteSerializer,
    ClusterDetailSerializer,
    ClusterEmployerSerializer,
    ClusterEmployerWriteSerializer,
    ClusterSerializer,
    ClusterWriteSerializer,
    CollegeSerializer,
    CollegeWriteSerializer,
    EmployerSerializer,
    EmployerWriteSerializer,
    IndustrySerializer,
    ProgrammeSerializer,
)
from clusters.filtersets import (
    ClusterCollegeFilterSet,
    ClusterEmployerFilterSet,
    ClusterFilterSet,
    CollegeFilterSet,
    EmployerFilterSet,
    IndustryFilterSet,
    ProgrammeFilterSet,
)
from clusters.models import (
    Citation,
    Cluster,
    ClusterCollege,
    ClusterEmployer,
    College,
    Employer,
    Industry,
    Programme,
)
from common.api.schema import lookup_schema
from common.api.viewsets import RegistryModelViewSet, RegistryReadOnlyViewSet, WriteServices
from funding.models import FundingLine, FundingLineCitation


def _cluster_create(*, actor, is_published=None, **fields):
    cluster = services.cluster_create(actor=actor, **fields)
    services.cluster_publication_set(actor=actor, cluster=cluster, publish=is_published or None)
    return cluster


def _cluster_update(actor, cluster, *, is_published=None, **fields):
    cluster = services.cluster_update(actor=actor, cluster=cluster, **fields)
    services.cluster_publication_set(actor=actor, cluster=cluster, publish=is_published)
    return cluster


def _part_services(create) -> WriteServices:
    return WriteServices(
        create=create,
        update=lambda actor, row, **fields: services.cluster_part_update(
            actor=actor, row=row, **fields
        ),
        delete=lambda actor, row: services.cluster_part_delete(actor=actor, row=row),
    )


def _entity_services(create, update) -> WriteServices:
    return WriteServices(
        create=create,
        update=update,
        delete=lambda actor, entity: services.entity_delete(actor=actor, entity=entity),
    )


@lookup_schema("slug", "Адрес (slug) кластера, например irk-energy.")
class ClusterViewSet(RegistryModelViewSet):
    """Clusters with nested summaries. Anonymous clients see published clusters only."""

    serializer_class = ClusterSerializer
    detail_serializer_class = ClusterDetailSerializer
    write_serializer_class = ClusterWriteSerializer
    filterset_class = ClusterFilterSet
    lookup_field = "slug"
    ordering_fields = ["name", "slug", "selection_year", "launch_year", "updated_at"]
    csv_filename = "clusters"
    queryset = Cluster.objects.all()
    write_services = WriteServices(
        create=_cluster_create,
        update=_cluster_update,
        delete=lambda actor, cluster: services.cluster_delete(actor=actor, cluster=cluster),
    )

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            # The list reads these through its row plan (common/api/rows.py): count, clusters
            # (+ region, district, industry, totals), then memberships (+ colleges),
            # partnerships (+ employers), programmes and figures, as plain values, in the
            # prefetches' orders.
            return queryset.with_related().select_related("funding_total")
        return (
            queryset.with_related()
            .prefetch_related(
                Prefetch(
                    "funding_lines",
                    queryset=FundingLine.objects.order_by(
                        "fiscal_year", "funding_source", "pk"
                    ).prefetch_related(
                        Prefetch(
                            "citations",
                            queryset=FundingLineCitation.objects.select_related("source"),
                        )
                    ),
                ),
                "sources",
                Prefetch(
                    "citations",
                    queryset=Citation.objects.select_related(
                        "source", "cluster_college", "cluster_employer"
                    ).order_by("pk"),
                    to_attr="all_citations",
                ),
            )
            .select_related("funding_total")
        )


@lookup_schema("id", "Числовой id участия колледжа в кластере.")
class ClusterCollegeViewSet(RegistryModelViewSet):
    """Memberships: which college is the base or a network member of which cluster."""

    serializer_class = ClusterCollegeSerializer
    write_serializer_class = ClusterCollegeWriteSerializer
    filterset_class = ClusterCollegeFilterSet
    ordering_fields = ["id", "role", "updated_at"]
    csv_filename = "cluster-colleges"
    queryset = ClusterCollege.objects.select_related("cluster", "college")
    write_services = _part_services(
        lambda *, actor, cluster, **fields: services.cluster_parts_write(
            actor=actor, cluster=cluster, model=ClusterCollege, add=[fields]
        )[0]
    )


@lookup_schema("id", "Числовой id партнёрства работодателя с кластером.")
class ClusterEmployerViewSet(RegistryModelViewSet):
    """Partnerships: which employer works with which cluster."""

    serializer_class = ClusterEmployerSerializer
    write_serializer_class = ClusterEmployerWriteSerializer
    filterset_class = ClusterEmployerFilterSet
    ordering_fields = ["id", "role", "updated_at"]
    csv_filename = "cluster-employers"
    queryset = ClusterEmployer.objects.select_related("cluster", "employer")
    write_services = _part_services(
        lambda *, actor, cluster, **fields: services.cluster_parts_write(
            actor=actor, cluster=cluster, model=ClusterEmployer, add=[fields]
        )[0]
    )


@lookup_schema("slug", "Адрес (slug) отрасли, например mechanical-engineering.")
class IndustryViewSet(RegistryReadOnlyViewSet):
    queryset = Industry.objects.all()
    serializer_class = IndustrySerializer
    filterset_class = IndustryFilterSet
    lookup_field = "slug"
    ordering_fields = ["name", "slug"]
    csv_filename = "industries"


@lookup_schema("id", "Числовой id профессии или специальности (код — в поле code).")
class ProgrammeViewSet(RegistryReadOnlyViewSet):
    queryset = Programme.objects.all()
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilterSet
    ordering_fields = ["code", "name"]
    csv_filename = "programmes"


@lookup_schema("id", "Числовой id образовательной организации.")
class CollegeViewSet(RegistryModelViewSet):
    queryset = College.objects.select_related("region")
    serializer_class = CollegeSerializer
    write_serializer_class = CollegeWriteSerializer
    filterset_class = CollegeFilterSet
    ordering_fields = ["full_name", "short_name", "inn", "updated_at"]
    csv_filename = "colleges"
    write_services = _entity_services(
        services.college_create,
        lambda actor, college, **fields: services.college_update(
            actor=actor, college=college, **fields
        ),
    )


@lookup_schema("id", "Числовой id работодателя.")
class EmployerViewSet(RegistryModelViewSet):
    queryset = Employer.objects.select_related("region", "industry")
    serializer_class = EmployerSerializer
    write_serializer_class = EmployerWriteSerializer
    filterset_class = EmployerFilterSet
    ordering_fields = ["name", "inn", "updated_at"]
    csv_filename = "employers"
    write_services = _entity_services(
        services.employer_create,
        lambda actor, employer, **fields: services.employer_update(
            actor=actor, employer=employer, **fields
        ),
    )
