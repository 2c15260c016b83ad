from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.csv import CSVRenderer
from common.api.renderers import RegistryJSONRenderer
from common.api.schema import lookup_schema
from common.api.viewsets import ConditionalGetMixin, RegistryModelViewSet, WriteServices
from common.api.xlsx import BOOLEAN, INTEGER, MONEY, TEXT, Column
from common.qualifiers import TotalQualifier
from funding import services as lines
from funding.api.serializers import (
    FundingLineSerializer,
    FundingLineWriteSerializer,
    StatsSerializer,
)
from funding.choices import FundingSource
from funding.filtersets import FundingLineFilterSet
from funding.models import FundingLine
from funding.stats import DIMENSIONS, FILTERS, SCOPES, StatsQueryError, funding_stats


@lookup_schema("id", "Числовой id строки финансирования.")
class FundingLineViewSet(RegistryModelViewSet):
    """Money facts. Anonymous clients do not see the lines of unpublished clusters."""

    serializer_class = FundingLineSerializer
    write_serializer_class = FundingLineWriteSerializer
    filterset_class = FundingLineFilterSet
    ordering_fields = ["amount_rub", "fiscal_year", "funding_source", "updated_at"]
    csv_filename = "funding-lines"
    queryset = FundingLine.objects.select_related(
        "cluster__industry", "region__federal_district", "source"
    )
    write_services = WriteServices(
        create=lines.funding_line_create,
        update=lambda actor, line, **fields: lines.funding_line_update(
            actor=actor, line=line, **fields
        ),
        delete=lambda actor, line: lines.funding_line_delete(actor=actor, line=line),
    )


_STATS_PARAMETERS = [
    OpenApiParameter(
        "group_by",
        # Distinct dimensions, at most one of the three scopes: what funding_stats accepts.
        {
            "type": "array",
            "items": {"type": "string", "enum": list(DIMENSIONS)},
            "uniqueItems": True,
            "anyOf": [
                {"items": {"enum": [d for d in DIMENSIONS if d not in SCOPES or d == scope]}}
                for scope in SCOPES
            ],
        },
        style="form",
        explode=False,
        description=(
            "Измерения через запятую: federal_district, region, industry (не более одного из "
            "этих трёх), fiscal_year, funding_source. Пусто — один итог."
        ),
    ),
    OpenApiParameter("fiscal_year", OpenApiTypes.INT, description="Финансовый год."),
    OpenApiParameter(
        "funding_source",
        OpenApiTypes.STR,
        enum=FundingSource.values,
        description="Источник средств.",
    ),
    OpenApiParameter("region", OpenApiTypes.STR, description="Код субъекта, например 38."),
    OpenApiParameter("federal_district", OpenApiTypes.STR, description="Код округа, например SIB."),
    OpenApiParameter("industry", OpenApiTypes.STR, description="Slug отрасли."),
]


class StatsView(ConditionalGetMixin, APIView):
    """Funding sums and cluster counts, grouped, e.g. federal money by region for 2023.

    Anonymous clients get published data only (the stored totals count published clusters and
    region-level lines); staff get drafts too, summed from the lines when a draft has money in
    the asked scope.
    """

    permission_classes = [AllowAny]
    renderer_classes = [RegistryJSONRenderer, BrowsableAPIRenderer, CSVRenderer]

    @extend_schema(parameters=_STATS_PARAMETERS, responses=StatsSerializer)
    def get(self, request):
        group_by = [d.strip() for d in request.query_params.get("group_by", "").split(",")]
        group_by = [d for d in group_by if d]
        params = {k: request.query_params[k] for k in FILTERS if request.query_params.get(k)}
        filterset = FundingLineFilterSet(params, queryset=FundingLine.objects.none())
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        cleaned = dict(filterset.form.cleaned_data)
        if cleaned.get("fiscal_year") is not None:
            cleaned["fiscal_year"] = int(cleaned["fiscal_year"])
        try:
            stats = funding_stats(
                user=request.user, group_by=group_by, params=params, cleaned=cleaned
            )
        except StatsQueryError as exc:
            raise ValidationError({"group_by": [str(exc)]}) from exc
        self.group_by = group_by
        return Response(
            {
                "group_by": stats.group_by,
                "money_basis": stats.money_basis,
                "computed_at": stats.computed_at,
                "is_stale": stats.is_stale,
                "results": stats.rows,
            }
        )

    def csv_columns(self) -> list[str]:
        columns = []
        for dim in getattr(self, "group_by", []):
            if dim in ("federal_district", "region"):
                columns += [f"{dim}.code", f"{dim}.name"]
            elif dim == "industry":
                columns += ["industry.slug", "industry.name"]
            else:
                columns.append(dim)
        return [*columns, "is_joint", "cluster_count", "amount_rub", "qualifier", "parts_known"]

    def xlsx_columns(self) -> list[Column]:
        """The CSV's columns with Russian headers and kinds (`?dialect=excel-ru`)."""
        sources = tuple((str(k), str(v)) for k, v in FundingSource.choices)
        columns = []
        for dim in getattr(self, "group_by", []):
            if dim in ("federal_district", "region"):
                name = "Федеральный округ" if dim == "federal_district" else "Субъект РФ"
                columns += [
                    Column(f"{dim}.code", f"{name}: Код"),
                    Column(f"{dim}.name", f"{name}: Название"),
                ]
            elif dim == "industry":
                columns += [
                    Column("industry.slug", "Отрасль: Адрес страницы (slug)"),
                    Column("industry.name", "Отрасль: Название"),
                ]
            elif dim == "fiscal_year":
                columns.append(Column(dim, "Финансовый год", True, kind=INTEGER))
            else:
                columns.append(Column(dim, "Источник средств", choices=sources, kind=TEXT))
        qualifiers = tuple((str(k), str(v)) for k, v in TotalQualifier.choices)
        return [
            *columns,
            Column("is_joint", "Совместно (без кластера)", kind=BOOLEAN),
            Column("cluster_count", "Число кластеров", True, kind=INTEGER),
            Column("amount_rub", "Сумма, ₽", True, kind=MONEY),
            Column("qualifier", "Точность", choices=qualifiers, kind=TEXT),
            Column("parts_known", "Известные части", choices=sources, kind=TEXT, in_list=True),
        ]
