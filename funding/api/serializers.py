from rest_framework import serializers

from clusters.api.serializers import (
    ClusterSummarySerializer,
    IndustrySummarySerializer,
    SourceSerializer,
)
from clusters.models import Cluster, Source
from common.api.serializers import FullCleanModelSerializer, VisibleSlugRelatedField
from common.qualifiers import TotalQualifier
from funding.choices import FundingSource
from funding.models import LINE_FIELDS, FundingLine
from regions.api.serializers import FederalDistrictSummarySerializer, RegionSummarySerializer
from regions.models import Region


class FundingLineSerializer(serializers.ModelSerializer):
    """One money fact with its cluster, region, district, industry and source summarised."""

    cluster = ClusterSummarySerializer(read_only=True, allow_null=True)
    region = RegionSummarySerializer(read_only=True)
    federal_district = FederalDistrictSummarySerializer(
        source="region.federal_district", read_only=True, allow_null=True
    )
    industry = IndustrySummarySerializer(source="cluster.industry", read_only=True, allow_null=True)
    source = SourceSerializer(read_only=True)

    class Meta:
        model = FundingLine
        # The written fields, with where the line lies (district, industry) after its place.
        fields = ["id", *LINE_FIELDS[:2], "federal_district", "industry", *LINE_FIELDS[2:]]
        fields += ["updated_at"]


class FundingLineWriteSerializer(FullCleanModelSerializer):
    cluster = VisibleSlugRelatedField(
        slug_field="slug", queryset=Cluster.objects.all(), allow_null=True, required=False
    )
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        help_text="Код субъекта; для строки кластера можно не указывать — возьмётся субъект кластера.",
    )
    source = serializers.PrimaryKeyRelatedField(queryset=Source.objects.all())

    class Meta:
        model = FundingLine
        fields = LINE_FIELDS
        constraint_fields = {
            "funding_fundingline_amount_non_negative": "amount_rub",
            "funding_fundingline_source_valid": "funding_source",
            "funding_fundingline_qualifier_valid": "qualifier",
        }

    def prepare_instance(self, instance, attrs):
        # As in the admin inline: a cluster's line takes the cluster's region when none is given.
        if instance.cluster_id and not instance.region_id:
            instance.region_id = instance.cluster.region_id


class _ScopeSerializer(serializers.Serializer):
    code = serializers.CharField(required=False)
    slug = serializers.CharField(required=False)
    name = serializers.CharField()


class StatsRowSerializer(serializers.Serializer):
    """One group. Only the dimensions named in `group_by` appear as keys. The groups add up
    to the whole: no money is left out of every group."""

    federal_district = _ScopeSerializer(
        required=False,
        allow_null=True,
        help_text="null — субъекты, которые не отнесены ни к одному федеральному округу.",
    )
    region = _ScopeSerializer(required=False)
    industry = _ScopeSerializer(
        required=False,
        allow_null=True,
        help_text=(
            "null — кластеры, отрасль которых не указана, или (is_joint) деньги, выделенные "
            "совместно нескольким кластерам без разбивки."
        ),
    )
    fiscal_year = serializers.IntegerField(
        required=False, allow_null=True, help_text="null — год в источнике не указан."
    )
    funding_source = serializers.ChoiceField(choices=FundingSource.choices, required=False)
    is_joint = serializers.BooleanField(
        help_text=(
            "true — «совместно (без кластера)»: суммы, которые источник называет только для "
            "нескольких кластеров субъекта вместе; в отраслях они не учтены и составляют "
            "отдельную группу."
        )
    )
    cluster_count = serializers.IntegerField(
        allow_null=True, help_text="null — для совместных сумм (is_joint): кластеров в группе нет."
    )
    amount_rub = serializers.DecimalField(
        max_digits=20,
        decimal_places=2,
        allow_null=True,
        help_text="null — ни одна строка финансирования не называет сумму (сведений нет, не 0).",
    )
    qualifier = serializers.ChoiceField(
        choices=TotalQualifier.choices,
        allow_null=True,
        help_text=(
            "Что позволяют слагаемые: все точные — exact; точные и одного рода оценки — этот "
            "род (≈, не менее, не более); оценки разного рода — mixed."
        ),
    )
    parts_known = serializers.ListField(
        child=serializers.ChoiceField(choices=FundingSource.choices),
        help_text=(
            "Источники средств, о которых есть сведения в группе; amount_rub — их сумма "
            "(известные части), а не полный итог, если какого-то источника в списке нет."
        ),
    )
    has_funding_data = serializers.BooleanField(
        help_text="false — о деньгах этой группы сведений нет; amount_rub тогда null."
    )


class StatsSerializer(serializers.Serializer):
    group_by = serializers.ListField(child=serializers.CharField())
    money_basis = serializers.ChoiceField(
        choices=["stored_totals", "funding_lines"],
        help_text=(
            "stored_totals — хранимые итоги (только опубликованные кластеры и строки субъектов); "
            "funding_lines — сумма по строкам, видимым запрашивающему: для сотрудников, когда в "
            "области запроса есть деньги черновиков, и для сочетания отрасли с субъектом/округом, "
            "которого хранимые итоги не содержат."
        ),
    )
    computed_at = serializers.DateTimeField(allow_null=True)
    is_stale = serializers.BooleanField()
    results = StatsRowSerializer(many=True)
