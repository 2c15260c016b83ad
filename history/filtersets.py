import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from clusters.models import Cluster
from common.filtersets import PageFilterSet
from history.tracked import model_choices, region_lookup
from regions.models import Region


class ChangeFilterSet(PageFilterSet):
    """The feed's filters (who, region, what, period), shared by the admin page and the API.

    The feed spans one history table per model: the same FilterSet is applied to each
    model's history queryset in turn, every filter translating itself for that model.
    """

    user = django_filters.ModelChoiceFilter(
        label="кто",
        queryset=get_user_model().objects.filter(is_staff=True).order_by("username"),
        method="filter_user",
    )
    region = django_filters.ModelChoiceFilter(
        label="субъект РФ",
        queryset=Region.objects.order_by("name"),
        method="filter_region",
    )
    model = django_filters.ChoiceFilter(label="что", choices=model_choices, method="filter_model")
    since = django_filters.DateFilter(
        label="с даты", method="filter_since", widget=forms.DateInput({"type": "date"}, "%Y-%m-%d")
    )
    until = django_filters.DateFilter(
        label="по дату", method="filter_until", widget=forms.DateInput({"type": "date"}, "%Y-%m-%d")
    )

    def filter_user(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(history_user_id=value.pk)

    def filter_region(self, queryset: QuerySet, name: str, value: Region) -> QuerySet:
        model = queryset.model.instance_type
        if model is Region:
            return queryset.filter(id=value.pk)
        lookup = region_lookup(model)
        if lookup == "region_id":
            return queryset.filter(region_id=value.pk)
        if lookup == "cluster_id":
            return queryset.filter(cluster_id__in=Cluster.objects.filter(region=value).values("pk"))
        return queryset.none()

    def filter_model(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if queryset.model.instance_type._meta.label_lower != value:
            return queryset.none()
        return queryset

    def filter_since(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(history_date__date__gte=value)

    def filter_until(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(history_date__date__lte=value)
