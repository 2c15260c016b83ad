"""Sources: documents the registry's facts cite, found by their address (else title + date)."""

from __future__ import annotations

from clusters import services as cluster_services
from clusters.models import Source
from imports.choices import ImportKind, RowStatus
from imports.kinds.base import Context, Kind, Outcome
from imports.reading import Col


class SourceKind(Kind):
    code = ImportKind.SOURCES
    model = Source
    columns = [
        Col("url", "Ссылка"),
        Col("title", "Заголовок", required=True),
        Col("publisher", "Издатель"),
        Col("published_on", "Дата публикации"),
        Col("document_ref", "Реквизиты документа"),
        Col("note", "Примечание"),
    ]
    example = {
        "url": "https://example.org/novosti/klaster",
        "title": "Пример: в области открыт кластер «Профессионалитета»",
        "publisher": "Министерство образования области",
        "published_on": "01.09.2025",
    }

    def file_key(self, row: dict, ctx: Context) -> tuple | None:
        url = " ".join(row.get("url", "").split())
        if url:
            return ("url", url)
        return ("title", " ".join(row.get("title", "").split()), row.get("published_on", ""))

    def process(self, row: dict, ctx: Context) -> Outcome:
        fields = {
            "url": self.text(row, "url", max_length=500),
            "title": self.text(row, "title", required=True, max_length=500),
            "publisher": self.text(row, "publisher", max_length=300),
            "published_on": self.day(row, "published_on"),
            "document_ref": self.text(row, "document_ref", max_length=300),
            "note": self.text(row, "note"),
        }
        if fields["url"]:
            existing = Source.objects.filter(url=fields["url"]).order_by("pk").first()
        else:
            existing = Source.objects.filter(
                url="", title=fields["title"], published_on=fields["published_on"]
            ).first()
        key = fields["url"] or fields["title"]
        if existing is None:
            cluster_services.source_create(actor=ctx.actor, **fields)
            return Outcome(RowStatus.NEW, key, self.diff(None, fields))
        # Sources are records of documents: once in, the registry keeps its own copy.
        return Outcome(RowStatus.UNCHANGED, key)
