"""Atom feeds of published changes, site-wide and per region, for journalists.

An entry is a new published cluster, a money fact (a funding line of a published cluster or
of a region) added or changed, or a new source cited by a published cluster. Feeds are the
anonymous view whoever asks (readers cache and share them): a draft never appears.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from clusters.models import Cluster, Source
from common.qualifiers import QUALIFIER_MARK
from common.templatetags.ru_format import format_rub
from funding.models import FundingLine
from regions.models import Region

ENTRIES = 50


@dataclass
class Change:
    guid: str
    title: str
    description: str
    link: str
    updated: datetime
    published: datetime


def cluster_description(cluster: Cluster) -> str:
    """«Образовательно-производственный центр, Машиностроение, Иркутская область.»: what the
    registry knows of the cluster's kind and industry, saying so where it knows nothing."""
    kind = cluster.get_kind_display() if cluster.kind else "тип не указан"
    industry = cluster.industry.name if cluster.industry_id else "отрасль не указана"
    return f"{kind[:1].upper()}{kind[1:]}, {industry}, {cluster.region.name}."


def published_changes(region: Region | None = None) -> list[Change]:
    """The latest ENTRIES public changes, newest first (reads only)."""
    clusters = Cluster.objects.visible_to(None).select_related("region", "industry")
    lines = FundingLine.objects.visible_to(None).select_related("cluster", "region")
    sources = Source.objects.filter(clusters__in=Cluster.objects.visible_to(None))
    if region is not None:
        clusters = clusters.filter(region=region)
        lines = lines.filter(region=region)
        sources = sources.filter(clusters__region=region)
    changes = [
        Change(
            guid=f"cluster-{c.pk}",
            title=f"Новый кластер: {c.name}",
            description=cluster_description(c),
            link=c.get_absolute_url(),
            updated=c.created_at,
            published=c.created_at,
        )
        for c in clusters.order_by("-created_at")[:ENTRIES]
    ]
    for line in lines.order_by("-updated_at")[:ENTRIES]:
        who = (
            line.cluster.name
            if line.cluster
            else f"{line.region.name} (совместно для нескольких кластеров)"
        )
        amount = f"{QUALIFIER_MARK.get(line.qualifier, '')}{format_rub(line.amount_rub)}"
        year = f"{line.fiscal_year} г" if line.fiscal_year else "год не указан"  # «г.» ends it
        changes.append(
            Change(
                guid=f"funding-line-{line.pk}-{line.updated_at:%Y%m%d%H%M%S}",
                title=f"Деньги: {who} — {amount}",
                description=f"{line.get_funding_source_display()}, {year}.",
                link=(line.cluster or line.region).get_absolute_url(),
                updated=line.updated_at,
                published=line.created_at,
            )
        )
    for source in sources.distinct().order_by("-created_at")[:ENTRIES]:
        changes.append(
            Change(
                guid=f"source-{source.pk}",
                title=f"Новый источник: {source.title}",
                description=", ".join(filter(None, [source.publisher, source.url])) or source.title,
                link=source.url or reverse("overview:home"),
                updated=source.created_at,
                published=source.created_at,
            )
        )
    changes.sort(key=lambda change: change.updated, reverse=True)
    return changes[:ENTRIES]


class ChangesFeed(Feed):
    """/feed/: every published change of the registry."""

    feed_type = Atom1Feed
    title = "Реестр «Профессионалитета»: изменения"
    subtitle = "Новые кластеры, суммы финансирования и источники."
    author_name = "Реестр «Профессионалитета»"  # Atom requires an author of the feed

    def link(self):
        return reverse("overview:home")

    def items(self):
        return published_changes()

    def item_title(self, item: Change) -> str:
        return item.title

    def item_description(self, item: Change) -> str:
        return item.description

    def item_link(self, item: Change) -> str:
        return item.link

    def item_guid(self, item: Change) -> str:
        return f"tag:professionalitet-registry,2026:{item.guid}"

    item_guid_is_permalink = False

    def item_updateddate(self, item: Change):
        return item.updated

    def item_pubdate(self, item: Change):
        return item.published


class RegionChangesFeed(ChangesFeed):
    """/regions/<slug>/feed/: the published changes of one region."""

    def get_object(self, request, slug):
        return get_object_or_404(Region, slug=slug)

    def title(self, region):
        return f"Реестр «Профессионалитета»: {region.name}"

    def link(self, region):
        return region.get_absolute_url()

    def items(self, region):
        return published_changes(region)
