"""Public pages of the clusters app: catalogue, cluster, industry, college and employer."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, Q
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from clusters.choices import ClusterKind, CollegeRole, FigureKind
from clusters.counts import cluster_count, cluster_counts
from clusters.facets import facet_counts, listed_count
from clusters.facts import cluster_fact_sources
from clusters.filtersets import (
    NOT_GIVEN,
    ClusterFilterSet,
    CollegeFilterSet,
    EmployerFilterSet,
)
from clusters.models import (
    Citation,
    Cluster,
    ClusterCollege,
    ClusterEmployer,
    College,
    Employer,
    Industry,
)
from common.pages import GatedViewMixin
from common.paging import IdsFirstPaginator, paginated
from common.widgets import QuickSelect
from funding import charts, completeness
from funding.models import FundingLine, FundingLineCitation, IndustryFundingTotal

# The catalogue shows these filters of ClusterFilterSet as visible controls; any other
# filter present in the URL (e.g. ?college=5 from a college page) is carried as hidden input.
VISIBLE_FILTERS = ("q", "federal_district", "region", "industry", "kind", "selection_year")
EMPTY_LABELS = {
    "federal_district": "Все округа",
    "region": "Все субъекты",
    "industry": "Все отрасли",
}


def filter_errors(filterset, request) -> list[tuple[str, str, str]]:
    """(label, value as given, message) of each filter value the form refuses; the list is
    then empty (the views are strict) and the page says why."""
    if not filterset.is_bound or filterset.is_valid():
        return []
    form = filterset.form
    return [
        (
            str(form.fields[name].label) if name in form.fields else name,
            request.GET.get(name, ""),
            " ".join(str(e) for e in errors),
        )
        for name, errors in form.errors.items()
    ]


class ClusterListView(GatedViewMixin, FilterView):
    """The catalogue: ClusterFilterSet applied to GET, with facet counts and pagination."""

    filterset_class = ClusterFilterSet
    template_name = "clusters/cluster_list.html"
    paginate_by = 20
    strict = True  # a filter value that is not valid shows no rows and says why, not all rows

    model = Cluster

    def get_queryset(self):
        return super().get_queryset().for_cards()

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        # Counted over the counts of clusters where the facets are (clusters/facets.py).
        filterset = self.filterset
        count = listed_count(filterset) if not filterset.is_bound or filterset.is_valid() else None
        return IdsFirstPaginator(
            queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page,
            count=count,
        )  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        counts = facet_counts(filterset)
        self._decorate_form(filterset, counts)
        form = filterset.form
        context["facet_counts"] = counts
        context["visible_fields"] = [form[name] for name in VISIBLE_FILTERS]
        context["hidden_filters"] = [
            (name, value)
            for name in form.fields
            if name not in VISIBLE_FILTERS
            for value in self.request.GET.getlist(name)
            if value
        ]
        context["is_filtered"] = any(
            self.request.GET.get(name) for name in filterset.filters if name != "page"
        )
        context["filter_errors"] = filter_errors(filterset, self.request)
        context["coverage"] = self._coverage(filterset, context["paginator"].count)
        return context

    def _coverage(self, filterset, listed: int):
        """The catalogue's count set against the reported one: the chosen region's, else the
        country's — the registry's whole count there, whatever else the filter narrows (the
        list's own count when nothing else does)."""
        from regions.coverage import national_coverage, region_coverage

        active = {name for name, value in self.request.GET.items() if value and name != "page"}
        region = filterset.form.cleaned_data.get("region") if filterset.is_valid() else None
        if region is not None:
            count = listed if active == {"region"} else None
            if count is None:
                count = cluster_count(self.request.user, region=region)
            return region_coverage(region, count)
        return national_coverage(listed if not active else cluster_count(self.request.user))

    def _decorate_form(self, filterset, counts):
        """Options carry their facet count; options that would give nothing are hidden."""
        form = filterset.form
        data = filterset.data or {}
        for name in ("federal_district", "region", "industry"):
            field = form.fields[name]
            facet = counts[name]
            selected = data.get(name)
            to_field = filterset.filters[name].extra.get("to_field_name", "pk")
            keep = Q(pk__in=[pk for pk, n in facet.items() if n and pk != NOT_GIVEN])
            if selected and selected != NOT_GIVEN:
                keep |= Q(**{to_field: selected})
            field.queryset = field.queryset.filter(keep)
            field.empty_label = EMPTY_LABELS[name]
            field.label_from_instance = lambda obj, facet=facet: f"{obj} ({facet.get(obj.pk, 0)})"
            if getattr(field, "null_label", None):
                # «Отрасль не указана (N)», offered only when some cluster would match it.
                not_given = facet.get(NOT_GIVEN, 0)
                field.null_label = (
                    f"{filterset.filters[name].extra['null_label']} ({not_given})"
                    if not_given or selected == NOT_GIVEN
                    else None
                )
        kind = form.fields["kind"]
        kind.empty_label = "Все типы"
        kind.choices = [
            (value, f"{label} ({counts['kind'].get(value, 0)})")
            for value, label in filterset.filters["kind"].extra["choices"]
            if counts["kind"].get(value) or data.get("kind") == value
        ]
        not_given = counts["kind"].get(NOT_GIVEN, 0)
        kind.null_label = (
            f"{filterset.filters['kind'].extra['null_label']} ({not_given})"
            if not_given or data.get("kind") == NOT_GIVEN
            else None
        )
        years = counts["selection_year"]
        form.fields["selection_year"].widget = QuickSelect(
            choices=[("", "Все годы")] + [(str(y), f"{y} ({years[y]})") for y in sorted(years)]
        )
        form.fields["q"].widget.input_type = "search"
        form.fields["q"].widget.attrs["placeholder"] = "название, колледж…"
        # Screen readers announce a field's error with the field (the template gives it this id).
        for name in form.errors:
            if name in form.fields:
                form.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{form[name].auto_id}-error"}
                )


def refs_of(citations, number: dict[int, int]) -> list[dict]:
    """Footnote references to the page's list of sources: [{"n", "source", "implied"}]."""
    seen, refs = set(), []
    for citation in citations:
        if citation.source_id in seen:
            continue
        seen.add(citation.source_id)
        implied = getattr(citation, "is_implied", False)
        refs.append(
            {"n": number[citation.source_id], "source": citation.source, "implied": implied}
        )
    return sorted(refs, key=lambda ref: ref["n"])


def citation_refs(citations, number: dict[int, int]) -> dict[tuple[str, int], list[dict]]:
    """The references of each member of the cluster: ("college" | "employer", row pk) → refs."""
    by_row: dict[tuple[str, int], list] = {}
    for citation in citations:
        if citation.cluster_college_id:
            by_row.setdefault(("college", citation.cluster_college_id), []).append(citation)
        elif citation.cluster_employer_id:
            by_row.setdefault(("employer", citation.cluster_employer_id), []).append(citation)
    return {key: refs_of(rows, number) for key, rows in by_row.items()}


class ClusterDetailView(GatedViewMixin, DetailView):
    """The cluster page; drafts are 404 for the public and a preview for staff."""

    template_name = "clusters/cluster_detail.html"
    context_object_name = "cluster"

    def get_queryset(self):
        # with_related: colleges, employers, programmes, figures (4 queries); plus sources
        # and funding lines with their sources.
        # The gaps' facts as columns of the one cluster query (funding/completeness.py).
        return (
            completeness.annotate_gaps(self.visible(Cluster))
            .with_related()
            .select_related("funding_total")
            .prefetch_related(
                "sources",
                Prefetch(
                    "funding_lines",
                    queryset=FundingLine.objects.select_related("source")
                    .prefetch_related(
                        Prefetch(
                            "citations",
                            queryset=FundingLineCitation.objects.select_related("source"),
                        )
                    )
                    .order_by("fiscal_year", "funding_source", "pk"),
                ),
                Prefetch(
                    "citations",
                    queryset=Citation.objects.select_related("source").order_by("pk"),
                    to_attr="all_citations",
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cluster = self.object
        memberships = list(cluster.cluster_colleges.all())
        partners = list(cluster.cluster_employers.all())
        programmes = list(cluster.programmes.all())
        figures = list(cluster.figures.all())
        lines = list(cluster.funding_lines.all())

        latest: dict[str, object] = {}
        for figure in figures:  # ordered by kind, newest first
            latest.setdefault(figure.kind, figure)

        try:
            stored = cluster.funding_total
        except ObjectDoesNotExist:
            stored = None
        total = charts.cluster_breakdown(stored)

        sources = {}
        for source in [
            *cluster.sources.all(),
            *(f.source for f in figures),
            *(line.source for line in lines),
            *(c.source for line in lines for c in line.citations.all()),
            *(c.source for c in cluster.all_citations),
        ]:
            sources.setdefault(source.pk, source)
        number = {pk: n for n, pk in enumerate(sources, start=1)}
        refs = citation_refs(cluster.all_citations, number)
        for partnership in partners:
            partnership.refs = refs.get(("employer", partnership.pk), [])
        for line in lines:
            line.refs = refs_of(list(line.citations.all()), number)

        context.update(
            base_college=next((m.college for m in memberships if m.role == CollegeRole.BASE), None),
            network_colleges=[m.college for m in memberships if m.role == CollegeRole.NETWORK],
            partners=partners,
            programmes=programmes,
            figures=figures,
            reported_employers=latest.get(FigureKind.EMPLOYERS),
            reported_colleges=latest.get(FigureKind.MEMBER_COLLEGES),
            reported_programmes=latest.get(FigureKind.PROGRAMMES),
            college_count=len(memberships),
            funding_total=total,
            funding_chart=charts.stacked_bars(charts.per_source_rows(total)) if total else None,
            funding_lines=lines,
            funding_stale=bool(stored and stored.is_stale),
            gaps=completeness.gaps_of(
                cluster,
                is_editable=Cluster.objects.editable_by(self.request.user)
                .filter(pk=cluster.pk)
                .exists(),
            ),
            joint_funding=None if total else charts.joint_funding(cluster, self.request.user),
            sources=list(sources.values()),
            money_figure_kind=FigureKind.FUNDING_TOTAL_RUB,
            fact_sources=[
                {**fact, "refs": refs_of(fact["sources"], number)}
                for fact in cluster_fact_sources(cluster, cluster.all_citations)
            ],
            base_refs=next(
                (
                    refs.get(("college", m.pk), [])
                    for m in memberships
                    if m.role == CollegeRole.BASE
                ),
                [],
            ),
            network_members=[
                {"college": m.college, "refs": refs.get(("college", m.pk), [])}
                for m in memberships
                if m.role == CollegeRole.NETWORK
            ],
        )
        return context


class IndustryListView(GatedViewMixin, ListView):
    template_name = "clusters/industry_list.html"
    context_object_name = "industries"

    def get_queryset(self):
        return Industry.objects.order_by("name")

    def get_context_data(self, **kwargs):
        from regions.coverage import national_coverage

        context = super().get_context_data(**kwargs)
        # One grouped count through the one counting path (clusters/counts.py): the key None
        # holds the clusters whose industry is not known.
        counts = cluster_counts(self.request.user, "industry")
        for industry in context["industries"]:
            industry.cluster_count = counts.get(industry.pk, 0)
        context["no_industry_count"] = counts.get(None, 0)
        context["coverage"] = national_coverage(sum(counts.values()))
        return context


class IndustryDetailView(GatedViewMixin, DetailView):
    """An industry: its published clusters and its money by year and source."""

    model = Industry
    template_name = "clusters/industry_detail.html"
    context_object_name = "industry"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        from regions.coverage import national_coverage

        rows = charts.by_year(IndustryFundingTotal.objects.filter(industry=self.object))
        user = self.request.user
        context.update(
            **paginated(
                self.request,
                self.visible(Cluster).in_industry(self.object).for_cards(),
                count=cluster_count(user, industry=self.object),
            ),
            coverage=national_coverage(cluster_count(user), "страны"),
            funding_rows=rows,
            funding_overall=charts.overall(rows),
            funding_chart=charts.stacked_bars(rows),
        )
        return context


class CollegeDetailView(GatedViewMixin, DetailView):
    """A college and the published clusters it takes part in, with its role in each."""

    template_name = "clusters/college_detail.html"
    context_object_name = "college"
    queryset = College.objects.select_related("region__federal_district")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = (
            self.visible(ClusterCollege)
            .filter(college=self.object)
            .select_related("cluster__region", "cluster__industry")
            .order_by("cluster__name")
        )
        return context


class EmployerDetailView(GatedViewMixin, DetailView):
    """An employer and the published clusters it partners."""

    template_name = "clusters/employer_detail.html"
    context_object_name = "employer"
    queryset = Employer.objects.select_related("region", "industry")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partnerships = list(
            self.visible(ClusterEmployer)
            .filter(employer=self.object)
            .select_related("cluster__region", "cluster__industry")
            .order_by("cluster__name")
        )
        context["partnerships"] = partnerships
        # Where it works with clusters: the subjects of its partner clusters, named once each.
        regions = {p.cluster.region_id: p.cluster.region for p in partnerships}
        context["partner_regions"] = sorted(regions.values(), key=lambda r: r.name)
        return context


class _DirectoryView(GatedViewMixin, FilterView):
    """A catalogue of colleges or employers: the app's FilterSet on GET, paginated."""

    paginate_by = 30
    strict = True  # a filter value that is not valid shows no rows and says why, not all rows
    visible_filters: tuple[str, ...] = ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        for name, empty in (
            ("region", "Все субъекты"),
            ("industry", "Все отрасли"),
            ("cluster_kind", "Все типы"),
        ):
            if name in form.fields:
                form.fields[name].empty_label = empty
                if hasattr(form.fields[name], "choices") and name == "cluster_kind":
                    form.fields[name].choices = [("", empty), *ClusterKind.choices]
        form.fields["q"].widget.input_type = "search"
        context["visible_fields"] = [form[name] for name in self.visible_filters]
        context["is_filtered"] = any(self.request.GET.get(name) for name in self.visible_filters)
        context["filter_errors"] = filter_errors(self.filterset, self.request)
        return context


class CollegeListView(_DirectoryView):
    """/colleges/: the colleges taking part in clusters the user may see."""

    filterset_class = CollegeFilterSet
    template_name = "clusters/college_list.html"
    model = College
    visible_filters = ("q", "region", "industry", "cluster_kind")

    def get_queryset(self):
        return super().get_queryset().select_related("region").order_by("full_name", "pk")


class EmployerListView(_DirectoryView):
    """/employers/: the employers partnering clusters the user may see."""

    filterset_class = EmployerFilterSet
    template_name = "clusters/employer_list.html"
    model = Employer
    visible_filters = ("q", "region", "industry", "cluster_kind")

    def get_queryset(self):
        return super().get_queryset().select_related("region", "industry").order_by("name", "pk")
