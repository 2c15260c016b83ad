"""What every registry API viewset shares: CSV (streamed for lists), ETags and safe writes.

ETag scheme: a strong ETag is the BLAKE2 hash of the exact bytes of the response body, so it
changes whenever anything shown changes (a college's name inside a cluster row, a recomputed
total) and never otherwise; `If-None-Match` then gives 304. For writes, `If-Match` is compared
with the ETag of the object's JSON detail as a GET would return it right now, under a row lock,
so an edit based on an outdated copy gets 412 and changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpResponseNotModified, StreamingHttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags, quote_etag
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response

from common import response_cache
from common.api.csv import (
    DIALECTS,
    EXCEL_RU,
    CSVRenderer,
    csv_columns,
    export_csv,
    export_people_csv,
)
from common.api.exceptions import PreconditionFailed, registry_exception_handler
from common.api.filters import StableOrderingFilter
from common.api.json_sql import CountedRows, json_rows
from common.api.json_sql import load as load_json_rows
from common.api.negotiation import FormatFirstContentNegotiation
from common.api.pagination import RegistryPagination
from common.api.permissions import StaffModelPermissionsOrReadOnly
from common.api.renderers import RegistryJSONRenderer
from common.api.rows import plan_for
from common.api.xlsx import XLSXRenderer, csv_labels, xlsx_columns, xlsx_streaming_response
from common.api.xlsx_copy import export_xlsx
from common.pending import pending_of

CSV_CHUNK_SIZE = 2000


def body_etag(content: bytes) -> str:
    return quote_etag(hashlib.blake2b(content, digest_size=16).hexdigest())


def _etag_matches(header: str, etag: str, *, weak: bool) -> bool:
    etags = parse_etags(header)
    if "*" in etags:
        return True
    if weak:
        etags = [e.removeprefix("W/") for e in etags]
    return etag in etags


class _CachedResponse(Exception):
    """Raised in `initial()` on a cache hit, so no handler runs; turned back into the response."""

    def __init__(self, stored: response_cache.Stored) -> None:
        self.stored = stored


def _not_modified(etag: str) -> HttpResponseNotModified:
    not_modified = HttpResponseNotModified()
    not_modified["ETag"] = etag
    patch_vary_headers(not_modified, ["Accept", "Authorization", "Cookie"])
    return not_modified


class ConditionalGetMixin:
    """For any API view: JSON errors, ETag on 200 GETs and 304 for a matching If-None-Match.

    Every GET is also answered from the response cache (common/response_cache.py) when the same
    request of the same audience was answered before from tables unchanged since — after
    authentication, permissions and throttles, which a cached answer never skips. The browsable
    HTML (it names the user) and streamed exports are never cached.
    """

    content_negotiation_class = FormatFirstContentNegotiation

    def get_exception_handler(self):
        return registry_exception_handler

    def dispatch(self, request, *args, **kwargs):
        # Every statement from the cache lookup on is recorded: the tables the response read.
        with response_cache.recording(request):
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._response_cache_key = None
        renderer = getattr(request, "accepted_renderer", None)
        if (
            request.method != "GET"
            or renderer is None
            or isinstance(renderer, BrowsableAPIRenderer)
        ):
            return
        key = response_cache.user_key(request, media_type=request.accepted_media_type or "")
        stored = response_cache.lookup(key, request)
        if stored is not None:
            raise _CachedResponse(stored)
        self._response_cache_key = key

    def handle_exception(self, exc):
        if isinstance(exc, _CachedResponse):
            return exc.stored.response()
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Accept", "Authorization", "Cookie"])
        if not isinstance(response, Response):
            etag = response.get("ETag") if response.status_code == 200 else None
            if etag and _etag_matches(request.headers.get("If-None-Match", ""), etag, weak=True):
                return _not_modified(etag)
            return response
        if response.status_code >= 400 and isinstance(
            response.accepted_renderer, CSVRenderer | XLSXRenderer
        ):
            # Errors are JSON even when the client asked for CSV or XLSX.
            response.accepted_renderer = RegistryJSONRenderer()
            response.accepted_media_type = RegistryJSONRenderer.media_type
        if request.method in ("GET", "HEAD") and response.status_code == status.HTTP_200_OK:
            content = response.rendered_content
            etag = body_etag(content)
            response.content = content
            response["ETag"] = etag
            response_cache.store(
                getattr(self, "_response_cache_key", None), response, request, etag=etag
            )
            if _etag_matches(request.headers.get("If-None-Match", ""), etag, weak=True):
                return _not_modified(etag)
        return response


class RegistryViewSetMixin(ConditionalGetMixin):
    """Mixed into DRF viewsets. Subclasses set `queryset` (narrowed here by the gate:
    `visible_to(request.user)`, for every action), `serializer_class` (read, list rows),
    optionally `detail_serializer_class` and `write_serializer_class`."""

    pagination_class = RegistryPagination
    renderer_classes = [RegistryJSONRenderer, BrowsableAPIRenderer, CSVRenderer, XLSXRenderer]
    permission_classes = [StaffModelPermissionsOrReadOnly]
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    detail_serializer_class = None
    write_serializer_class = None
    csv_filename = "export"

    def get_queryset(self):
        # The gate, for every action and format (JSON, CSV): what the user may see. Whether
        # they may change a row is the write services' decision (403 with a reason).
        return super().get_queryset().visible_to(self.request.user)

    # --- serializers -------------------------------------------------------------------

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update") and self.write_serializer_class:
            return self.write_serializer_class
        if self.action == "retrieve" and self.detail_serializer_class:
            return self.detail_serializer_class
        return self.serializer_class

    def read_serializer(self, instance):
        cls = self.detail_serializer_class or self.serializer_class
        return cls(instance, context=self.get_serializer_context())

    def csv_columns(self) -> list[str]:
        return csv_columns(self.get_serializer())

    def xlsx_columns(self):
        return xlsx_columns(self.get_serializer())

    # --- CSV and XLSX ------------------------------------------------------------------

    def list(self, request, *args, **kwargs):
        """A page of rows planned from the serializer (common/api/rows.py), else DRF's list."""
        self._check_export_parameters()
        renderer_format = getattr(request.accepted_renderer, "format", None)
        if renderer_format == CSVRenderer.format:
            return self.stream_csv()
        if renderer_format == XLSXRenderer.format:
            return self.stream_xlsx()
        queryset = self.filter_queryset(self.get_queryset())
        plan = plan_for(self.get_serializer(many=True), queryset)
        if plan is None:
            return super().list(request, *args, **kwargs)
        texts = json_rows(plan, queryset)
        if texts is not None:  # the database writes each row (common/api/json_sql.py)
            state = response_cache.request_state(request, read=False)  # the cache's
            page = self.paginate_queryset(CountedRows(texts, queryset, state=state))
            if page is not None:
                return self.get_paginated_response(load_json_rows(plan, page))
            return Response(load_json_rows(plan, texts))
        values = plan.values_queryset(queryset)
        page = self.paginate_queryset(values)
        if page is not None:
            return self.get_paginated_response(plan.rows(list(page), using=values.db))
        return Response(plan.rows(list(values), using=values.db))

    def _check_export_parameters(self) -> None:
        """`dialect` and `labels` take their one value or none, in every format (the schema
        lists them for every list): anything else is a 400, not quietly the default."""
        params = self.request.query_params
        dialect, labels = params.get("dialect", ""), params.get("labels", "")
        if dialect and dialect not in DIALECTS:
            raise ValidationError(
                {"dialect": [f"Неизвестный вид CSV: «{dialect[:50]}»; есть excel-ru."]}
            )
        if labels and labels != "ru":
            raise ValidationError({"labels": [f"Неизвестные подписи: «{labels[:50]}»; есть ru."]})
        page = params.get("page", "")
        if page and not (page.isdigit() and int(page) >= 1):  # an export has no pages, but a
            raise NotFound("Неверная страница.")  # wrong number is wrong as in JSON (404)
        if self.paginator is not None:  # a wrong page size, likewise: 400 (common/api/pagination)
            self.paginator.get_page_size(self.request)

    def _export_queryset(self):
        """The filtered list as a whole export reads it: in id order unless `?ordering=` says
        otherwise (the index gives the first row at once, where the list's default order would
        sort a million rows first), on the database this request chose (rows are read after
        the view returns)."""
        queryset = self.filter_queryset(self.get_queryset())
        if not self.request.query_params.get("ordering"):
            queryset = queryset.order_by("pk")
        return queryset.using(queryset.db)

    def stream_csv(self) -> StreamingHttpResponse:
        """Every row of the filtered list, read through a server-side cursor, never held.

        `?labels=ru` writes Russian headers for people (codes stay the default for programs);
        `?dialect=excel-ru` the CSV for Russian Excel (common/api/csv.py).
        The last line is `#END,<rows>`: a response cut off on the way has no such line.
        """
        serializer = self.get_serializer(many=True)
        self._check_export_parameters()
        dialect = self.request.query_params.get("dialect")
        if dialect == EXCEL_RU:
            chunks = export_people_csv(
                serializer, self._export_queryset(), chunk_size=CSV_CHUNK_SIZE
            )
        else:
            columns = csv_columns(serializer)
            labels = self.request.query_params.get("labels") == "ru"
            header = csv_labels(serializer) if labels else None
            chunks = export_csv(
                serializer,
                self._export_queryset(),
                columns,
                header=header,
                chunk_size=CSV_CHUNK_SIZE,
            )
        response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.csv_filename}.csv"'
        return response

    def stream_xlsx(self):
        """The whole filtered list as XLSX: Russian headers, numbers as numbers, streamed as
        it is written (its sheet rows written by PostgreSQL when the CSV's are, else in Python
        from rows read through a server-side cursor: common/api/xlsx_copy.py)."""
        serializer = self.get_serializer(many=True)
        chunks = export_xlsx(
            serializer,
            self._export_queryset(),
            xlsx_columns(serializer),
            chunk_size=CSV_CHUNK_SIZE,
        )
        return xlsx_streaming_response(chunks, self.csv_filename)

    def representation_etag(self, instance) -> str:
        """The ETag a JSON GET of this object's detail would carry now."""
        data = self.read_serializer(instance).data
        return body_etag(RegistryJSONRenderer().render(data, RegistryJSONRenderer.media_type, {}))


@dataclass(frozen=True)
class WriteServices:
    """The services a viewset's writes call: create(actor=, **fields),
    update(actor=, instance, **fields) and delete(actor=, instance)."""

    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]


class RegistryWriteMixin:
    """Atomic, validated writes through the app's services, answering with the read
    representation and its ETag. Subclasses set `write_services`."""

    write_services: WriteServices

    def _pending(self, change) -> Response:
        """202: the write changes public data and waits for a federal editor's review; the
        public representation is unchanged until then (clusters/review.py)."""
        return Response(
            {
                "detail": "Изменение отправлено на проверку федеральному редактору.",
                "pending_change": {
                    "id": change.pk,
                    "kind": change.kind,
                    "state": change.state,
                    "diff": [
                        {"field": label, "now": before, "proposed": after}
                        for label, before, after in change.diff
                    ],
                },
            },
            status=status.HTTP_202_ACCEPTED,
        )

    def _written(self, instance, status_code: int) -> Response:
        change = pending_of(instance)
        if change is not None:
            return self._pending(change)
        instance = self.get_queryset().get(pk=instance.pk)
        data = self.read_serializer(instance).data
        return Response(
            data, status=status_code, headers={"ETag": self.representation_etag(instance)}
        )

    def _locked_object(self):
        """The object, re-read under a row lock after the If-Match check can be trusted."""
        instance = self.get_object()
        type(instance).objects.select_for_update().filter(pk=instance.pk).exists()
        instance = self.get_object()
        header = self.request.headers.get("If-Match")
        if header and not _etag_matches(header, self.representation_etag(instance), weak=False):
            raise PreconditionFailed()
        return instance

    def perform_create(self, serializer):
        return self.write_services.create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        return self.write_services.update(
            self.request.user, serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        return self.write_services.delete(self.request.user, instance)

    def create(self, request, *args, **kwargs):
        with transaction.atomic():
            serializer = self.get_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            instance = self.perform_create(serializer)
            return self._written(instance, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            instance = self._locked_object()
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            instance = self.perform_update(serializer)
            return self._written(instance, status.HTTP_200_OK)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self._locked_object()
            result = self.perform_destroy(instance)
        change = pending_of(result)
        if change is not None:
            return self._pending(change)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RegistryReadOnlyViewSet(RegistryViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Reference lists: read for everyone."""


class RegistryModelViewSet(RegistryWriteMixin, RegistryViewSetMixin, viewsets.ModelViewSet):
    """Read for everyone, write for staff with the model permission."""
