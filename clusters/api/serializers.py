"""Cluster API shapes: compact nested summaries for list rows, more on the detail, and writes."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clusters.choices import CollegeRole
from clusters.models import (
    Citation,
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
from common.api.csv_copy import SqlValue
from common.api.rows import (
    FilteredListSerializer,
    FinalizedByRow,
    FinalizedRowSerializer,
    FirstMatchSerializer,
)
from common.api.serializers import FullCleanModelSerializer, VisibleSlugRelatedField
from funding.choices import FundingSource
from funding.models import ClusterFundingTotal, FundingLine, FundingLineCitation, known_parts
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


class _NetworkColleges(FilteredListSerializer):
    row_filter = {"role": CollegeRole.NETWORK}


class NetworkCollegeSerializer(MemberCollegeSerializer):
    class Meta(MemberCollegeSerializer.Meta):
        list_serializer_class = _NetworkColleges


class BaseCollegeSerializer(FirstMatchSerializer, MemberCollegeSerializer):
    """The base college picked out of the memberships (null if none yet)."""

    row_filter = {"role": CollegeRole.BASE}


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


class PartsKnownField(FinalizedByRow, serializers.ListField):
    """Which budget parts a total covers: the sources some line gives (the row's finalize_row
    reads them off the row's amounts, `funding.models.known_parts`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Известные части")
        kwargs.setdefault(
            "help_text",
            "Части, о которых есть сведения; сумма остальных — null (сведений нет, не 0). "
            "total_rub — сумма известных частей: полный итог, только когда известны все четыре.",
        )
        super().__init__(child=serializers.ChoiceField(choices=FundingSource.choices), **kwargs)


class ClusterFundingTotalSerializer(serializers.ModelSerializer):
    """Stored totals over all years, by source, with each source's qualifier and freshness.

    A budget part no line gives is null (amount and qualifier); `parts_known` names the
    parts that are known, and `total_rub` is their sum."""

    parts_known = PartsKnownField()

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
            "parts_known",
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


class HasDataField(serializers.BooleanField):
    """Whether a stored total counts any line (read from its `line_count`)."""

    def to_representation(self, value):
        return bool(value)

    def sql_value(self, value: str, column) -> SqlValue:
        """The same in SQL, for the rows the database writes (common/api/json_sql.py)."""
        return SqlValue("boolean", f"(({value}) <> 0)", as_string=False)


class ClusterSerializer(FinalizedRowSerializer, serializers.ModelSerializer):
    """A cluster list row: everything an analyst needs without further calls.

    A cluster no funding line names has `funding_total: null` and `has_funding_data: false`:
    its money is unknown, not zero (it may be part of a joint sum at its region).
    """

    region = RegionSummarySerializer(read_only=True)
    federal_district = FederalDistrictSummarySerializer(
        source="region.federal_district", read_only=True, allow_null=True
    )
    industry = IndustrySummarySerializer(read_only=True, allow_null=True)
    base_college = BaseCollegeSerializer(source="cluster_colleges", read_only=True, allow_null=True)
    network_colleges = NetworkCollegeSerializer(
        source="cluster_colleges", many=True, read_only=True
    )
    employers = EmployerPartnerSerializer(source="cluster_employers", many=True, read_only=True)
    programmes = ProgrammeSummarySerializer(many=True, read_only=True)
    figures = ReportedFigureSerializer(many=True, read_only=True)
    funding_total = ClusterFundingTotalSerializer(read_only=True, allow_null=True)
    has_funding_data = HasDataField(
        source="funding_total.line_count",
        read_only=True,
        allow_null=True,
        label="Есть сведения о деньгах",
        help_text="false — ни один источник не называет сумму для кластера; funding_total тогда null.",
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

    @staticmethod
    def finalize_row(row):
        # Unknown is not zero: no line names the cluster, so its total is null, not zeros;
        # otherwise the total says which budget parts it covers.
        total = row.get("funding_total")
        if not row.get("has_funding_data"):
            row["funding_total"] = None
        elif total is not None:
            total["parts_known"] = known_parts(
                {source: total.get(f"{source}_rub") for source in FundingSource.values}
            )
        return row


class CitationSerializer(serializers.ModelSerializer):
    """A source stating one fact of the cluster: a field (`fact` = its name, `value` as the
    source gives it), a member college or employer, or a figure."""

    college_id = serializers.IntegerField(
        source="cluster_college.college_id", default=None, allow_null=True, read_only=True
    )
    employer_id = serializers.IntegerField(
        source="cluster_employer.employer_id", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = Citation
        fields = [
            "fact",
            "value",
            "college_id",
            "employer_id",
            "figure_id",
            "source_id",
            "quote",
            "is_implied",
        ]


class FundingLineCitationSerializer(serializers.ModelSerializer):
    """A source stating a money line, with the sum, qualifier and year as it gives them."""

    class Meta:
        model = FundingLineCitation
        fields = [
            "line_id",
            "source_id",
            "amount_rub",
            "qualifier",
            "fiscal_year",
            "quote",
            "is_implied",
        ]


class ClusterDetailSerializer(ClusterSerializer):
    """The list row plus the texts, the funding lines, every source the cluster's facts cite,
    and per fact the sources that state it (`citations`, `funding_line_citations`)."""

    funding_lines = ClusterFundingLineSerializer(many=True, read_only=True)
    sources = serializers.SerializerMethodField()
    citations = CitationSerializer(many=True, read_only=True, source="all_citations")
    funding_line_citations = serializers.SerializerMethodField()

    class Meta(ClusterSerializer.Meta):
        fields = [
            *ClusterSerializer.Meta.fields,
            "management_board",
            "description",
            "funding_lines",
            "sources",
            "citations",
            "funding_line_citations",
        ]

    @extend_schema_field(SourceSerializer(many=True))
    def get_sources(self, cluster) -> list:
        seen = {}
        for source in [
            *cluster.sources.all(),
            *(c.source for c in cluster.all_citations),
            *(c.source for line in cluster.funding_lines.all() for c in line.citations.all()),
        ]:
            seen.setdefault(source.pk, source)
        return SourceSerializer(sorted(seen.values(), key=lambda s: s.pk), many=True).data

    @extend_schema_field(FundingLineCitationSerializer(many=True))
    def get_funding_line_citations(self, cluster) -> list:
        rows = [c for line in cluster.funding_lines.all() for c in line.citations.all()]
        return FundingLineCitationSerializer(rows, many=True).data


class ClusterWriteSerializer(FullCleanModelSerializer):
    # Publication is its own operation (clusters.services.cluster_publish): the viewset calls
    # it after the other fields are saved; it is kept out of the row validated here.
    is_published = serializers.BooleanField(
        required=False,
        help_text="true — опубликовать (нужны права публикации, базовая организация и источник).",
    )
    industry = serializers.SlugRelatedField(
        slug_field="slug", queryset=Industry.objects.all(), allow_null=True, required=False
    )
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
    cluster = VisibleSlugRelatedField(slug_field="slug", queryset=Cluster.objects.all())

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
    cluster = VisibleSlugRelatedField(slug_field="slug", queryset=Cluster.objects.all())

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
