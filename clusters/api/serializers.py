"""Cluster API shapes: compact nested summaries for list rows, more on the detail, and writes."""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models.manager import BaseManager
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clusters.choices import CollegeRole
from clusters.models import (
    Cluster,
    ClusterCollege,
    ClusterEmployer,
    College,
    Employer,
    Industry,
    Programme,
    ReportedFigure,
    Source,
)
from common.api.rows import PlainRow, grouped
from common.api.serializers import FullCleanModelSerializer
from funding.models import ClusterFundingTotal, FundingLine
from regions.api.serializers import FederalDistrictSummarySerializer, RegionSummarySerializer
from regions.models import Region

# --- compact summaries -------------------------------------------------------------------


class IndustrySummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["slug", "name"]


class ProgrammeSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["code", "name", "level"]


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "title", "publisher", "published_on", "url", "document_ref"]


class MemberCollegeSerializer(serializers.ModelSerializer):
    """A college as a member of a cluster (read from the membership row)."""

    id = serializers.IntegerField(source="college.id", read_only=True)
    full_name = serializers.CharField(source="college.full_name", read_only=True)
    short_name = serializers.CharField(source="college.short_name", read_only=True)
    inn = serializers.CharField(source="college.inn", read_only=True, allow_null=True)

    class Meta:
        model = ClusterCollege
        fields = ["id", "full_name", "short_name", "inn"]


class _CollegesOfRole(serializers.ListSerializer):
    role: str = ""

    def to_representation(self, data):
        # Filters the prefetched memberships in Python: no query per row.
        return [self.child.to_representation(m) for m in data.all() if m.role == self.role]


class _NetworkColleges(_CollegesOfRole):
    role = CollegeRole.NETWORK


class NetworkCollegeSerializer(MemberCollegeSerializer):
    class Meta(MemberCollegeSerializer.Meta):
        list_serializer_class = _NetworkColleges


class BaseCollegeSerializer(MemberCollegeSerializer):
    """The base college picked out of the prefetched memberships (null if none yet)."""

    def get_attribute(self, instance):
        return next(
            (m for m in instance.cluster_colleges.all() if m.role == CollegeRole.BASE), None
        )


class EmployerPartnerSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="employer.id", read_only=True)
    name = serializers.CharField(source="employer.name", read_only=True)
    inn = serializers.CharField(source="employer.inn", read_only=True, allow_null=True)

    class Meta:
        model = ClusterEmployer
        fields = ["id", "name", "inn", "role", "note"]


class ReportedFigureSerializer(serializers.ModelSerializer):
    source_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = ReportedFigure
        fields = ["kind", "value", "qualifier", "as_of", "source_id"]


class ClusterFundingTotalSerializer(serializers.ModelSerializer):
    """Stored totals over all years, by source, with each source's qualifier and freshness."""

    class Meta:
        model = ClusterFundingTotal
        fields = [
            "federal_rub",
            "federal_qualifier",
            "regional_rub",
            "regional_qualifier",
            "employer_rub",
            "employer_qualifier",
            "extrabudgetary_rub",
            "extrabudgetary_qualifier",
            "total_rub",
            "qualifier",
            "line_count",
            "computed_at",
            "is_stale",
        ]


class ClusterFundingLineSerializer(serializers.ModelSerializer):
    source_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = FundingLine
        fields = [
            "id",
            "fiscal_year",
            "funding_source",
            "amount_rub",
            "qualifier",
            "source_id",
            "exact_wording",
            "note",
        ]


class ClusterSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Cluster
        fields = ["slug", "name"]


# --- clusters ----------------------------------------------------------------------------


class ClusterListSerializer(serializers.ListSerializer):
    """Cluster rows for a page (or a CSV chunk), the nested lists read as plain values.

    The clusters come from the view with only the columns a row shows, their region, district,
    industry and totals joined. Memberships, partnerships, programmes and figures are four
    queries for all of them, as with_related()'s prefetches, but `.values()` rather than ~15
    model instances per row. Every part is written by the nested serializer's own fields, so
    the rows are exactly what ClusterSerializer writes for a prefetched cluster (a test holds
    the two equal).
    """

    def to_representation(self, data):
        clusters = list(data.all() if isinstance(data, BaseManager) else data)
        if not clusters:
            return []
        ids = [cluster.pk for cluster in clusters]
        fields = self.child.fields
        college = PlainRow(fields["base_college"])
        employer = PlainRow(fields["employers"])
        programme = PlainRow(fields["programmes"], prefix="programme__")
        figure = PlainRow(fields["figures"])
        # The orders are those of with_related(): role then name; code; kind then newest.
        memberships = grouped(
            ClusterCollege.objects.filter(cluster_id__in=ids)
            .order_by("role", "college__full_name")
            .values("cluster_id", "role", *college.paths),
            "cluster_id",
        )
        partnerships = grouped(
            ClusterEmployer.objects.filter(cluster_id__in=ids)
            .order_by("role", "employer__name")
            .values("cluster_id", *employer.paths),
            "cluster_id",
        )
        programmes = grouped(
            Cluster.programmes.through.objects.filter(cluster_id__in=ids)
            .order_by("programme__code")
            .values("cluster_id", *programme.paths),
            "cluster_id",
        )
        figures = grouped(
            ReportedFigure.objects.filter(cluster_id__in=ids).values("cluster_id", *figure.paths),
            "cluster_id",
        )
        region = PlainRow(fields["region"])
        district = PlainRow(fields["federal_district"])
        industry = PlainRow(fields["industry"])
        total = PlainRow(fields["funding_total"])
        own = {
            name: field.to_representation
            for name, field in fields.items()
            if not isinstance(field, serializers.BaseSerializer)
        }

        rows = []
        for cluster in clusters:
            colleges = memberships.get(cluster.pk, [])
            base = next((m for m in colleges if m["role"] == CollegeRole.BASE), None)
            federal_district = cluster.region.federal_district
            try:
                funding_total = cluster.funding_total
            except ObjectDoesNotExist:
                funding_total = None
            nested = {
                "region": region.from_object(cluster.region),
                "federal_district": federal_district and district.from_object(federal_district),
                "industry": industry.from_object(cluster.industry),
                "base_college": base and college.from_values(base),
                "network_colleges": [
                    college.from_values(m) for m in colleges if m["role"] == CollegeRole.NETWORK
                ],
                "employers": [employer.from_values(p) for p in partnerships.get(cluster.pk, [])],
                "programmes": [programme.from_values(p) for p in programmes.get(cluster.pk, [])],
                "figures": [figure.from_values(f) for f in figures.get(cluster.pk, [])],
                # No funding line names the cluster: unknown (null), never zeros.
                "funding_total": total.from_object(funding_total)
                if has_funding_data(funding_total)
                else None,
                "has_funding_data": has_funding_data(funding_total),
            }
            row = {}
            for name in fields:
                if name in nested:
                    row[name] = nested[name]
                else:
                    value = getattr(cluster, name)
                    row[name] = None if value is None else own[name](value)
            rows.append(row)
        return rows


def has_funding_data(total: ClusterFundingTotal | None) -> bool:
    return bool(total is not None and total.line_count)


class ClusterSerializer(serializers.ModelSerializer):
    """A cluster list row: everything an analyst needs without further calls.

    A cluster no funding line names has `funding_total: null` and `has_funding_data: false`:
    its money is unknown, not zero (it may be part of a joint sum at its region).
    """

    region = RegionSummarySerializer(read_only=True)
    federal_district = FederalDistrictSummarySerializer(
        source="region.federal_district", read_only=True, allow_null=True
    )
    industry = IndustrySummarySerializer(read_only=True)
    base_college = BaseCollegeSerializer(read_only=True, allow_null=True)
    network_colleges = NetworkCollegeSerializer(
        source="cluster_colleges", many=True, read_only=True
    )
    employers = EmployerPartnerSerializer(source="cluster_employers", many=True, read_only=True)
    programmes = ProgrammeSummarySerializer(many=True, read_only=True)
    figures = ReportedFigureSerializer(many=True, read_only=True)
    funding_total = ClusterFundingTotalSerializer(read_only=True, allow_null=True)
    has_funding_data = serializers.SerializerMethodField(
        help_text="false — ни один источник не называет сумму для кластера; funding_total тогда null."
    )

    class Meta:
        model = Cluster
        fields = [
            "slug",
            "name",
            "kind",
            "status",
            "selection_year",
            "launch_year",
            "is_published",
            "website",
            "region",
            "federal_district",
            "industry",
            "base_college",
            "network_colleges",
            "employers",
            "programmes",
            "figures",
            "funding_total",
            "has_funding_data",
            "updated_at",
        ]
        list_serializer_class = ClusterListSerializer

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_has_funding_data(self, cluster) -> bool:
        try:
            return has_funding_data(cluster.funding_total)
        except ObjectDoesNotExist:
            return False

    def to_representation(self, instance):
        row = super().to_representation(instance)
        if not row["has_funding_data"]:
            row["funding_total"] = None
        return row


class ClusterDetailSerializer(ClusterSerializer):
    """The list row plus the texts, the funding lines and the sources."""

    funding_lines = ClusterFundingLineSerializer(many=True, read_only=True)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta(ClusterSerializer.Meta):
        fields = [
            *ClusterSerializer.Meta.fields,
            "management_board",
            "description",
            "funding_lines",
            "sources",
        ]
        list_serializer_class = serializers.ListSerializer


class ClusterWriteSerializer(FullCleanModelSerializer):
    # Publication is its own operation (clusters.services.cluster_publish): the viewset calls
    # it after the other fields are saved; it is kept out of the row validated here.
    is_published = serializers.BooleanField(
        required=False,
        help_text="true — опубликовать (нужны права публикации, базовая организация и источник).",
    )
    industry = serializers.SlugRelatedField(slug_field="slug", queryset=Industry.objects.all())
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    programmes = serializers.SlugRelatedField(
        slug_field="code", queryset=Programme.objects.all(), many=True, required=False
    )
    sources = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.all(), many=True, required=False
    )

    class Meta:
        model = Cluster
        fields = [
            "slug",
            "name",
            "kind",
            "status",
            "industry",
            "region",
            "selection_year",
            "launch_year",
            "is_published",
            "management_board",
            "description",
            "website",
            "programmes",
            "sources",
        ]

    def validate(self, attrs):
        publish = attrs.pop("is_published", None)
        attrs = super().validate(attrs)
        if publish is not None:
            attrs["is_published"] = publish
        return attrs


# --- memberships and partnerships --------------------------------------------------------


class ClusterCollegeSerializer(serializers.ModelSerializer):
    cluster = ClusterSummarySerializer(read_only=True)
    college = MemberCollegeSerializer(source="*", read_only=True)

    class Meta:
        model = ClusterCollege
        fields = ["id", "cluster", "college", "role", "updated_at"]


class ClusterCollegeWriteSerializer(FullCleanModelSerializer):
    cluster = serializers.SlugRelatedField(slug_field="slug", queryset=Cluster.objects.all())

    class Meta:
        model = ClusterCollege
        fields = ["cluster", "college", "role"]
        constraint_fields = {
            "clusters_clustercollege_one_base": "role",
            "clusters_clustercollege_unique_college": "college",
        }


class ClusterEmployerSerializer(serializers.ModelSerializer):
    cluster = ClusterSummarySerializer(read_only=True)
    employer = EmployerPartnerSerializer(source="*", read_only=True)

    class Meta:
        model = ClusterEmployer
        fields = ["id", "cluster", "employer", "role", "note", "updated_at"]


class ClusterEmployerWriteSerializer(FullCleanModelSerializer):
    cluster = serializers.SlugRelatedField(slug_field="slug", queryset=Cluster.objects.all())

    class Meta:
        model = ClusterEmployer
        fields = ["cluster", "employer", "role", "note"]
        constraint_fields = {"clusters_clusteremployer_unique_employer": "employer"}


# --- reference lists ---------------------------------------------------------------------


class IndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["slug", "name", "name_en"]


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "code", "name", "level"]


class CollegeSerializer(serializers.ModelSerializer):
    region = RegionSummarySerializer(read_only=True)

    class Meta:
        model = College
        fields = ["id", "full_name", "short_name", "inn", "ogrn", "region", "town", "website"]


class _LegalEntityWriteSerializer(FullCleanModelSerializer):
    def validate_inn(self, value):
        # An empty identifier is "not known" (NULL), as in the admin, not a unique "".
        return value or None

    def validate_ogrn(self, value):
        return value or None


class CollegeWriteSerializer(_LegalEntityWriteSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())

    class Meta:
        model = College
        fields = ["full_name", "short_name", "inn", "ogrn", "region", "town", "website"]
        constraint_fields = {
            "clusters_college_inn_ten_digits": "inn",
            "clusters_college_ogrn_thirteen_digits": "ogrn",
        }


class EmployerSerializer(serializers.ModelSerializer):
    region = RegionSummarySerializer(read_only=True, allow_null=True)
    industry = IndustrySummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Employer
        fields = ["id", "name", "inn", "ogrn", "region", "industry", "website"]


class EmployerWriteSerializer(_LegalEntityWriteSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), allow_null=True, required=False
    )
    industry = serializers.SlugRelatedField(
        slug_field="slug", queryset=Industry.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Employer
        fields = ["name", "inn", "ogrn", "region", "industry", "website"]
        constraint_fields = {
            "clusters_employer_inn_ten_digits": "inn",
            "clusters_employer_ogrn_thirteen_digits": "ogrn",
        }
