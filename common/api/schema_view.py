"""The OpenAPI schema, generated once per process (and per state of the reference tables).

drf-spectacular builds the schema from every view and serializer on each request (2–3 s on
this machine: the docs page waits for it). The schema depends on the code, the settings, the
language and the format asked for — never on the user (it is public: `SERVE_PUBLIC`) — and,
of the data, only on the reference tables whose values it lists for the filters that take
them (regions, districts, industries: `common.api.schema.REFERENCE_PARAMETERS`, issue 20).
So each process renders it once per (version, language, media type, those tables' values)
and answers later requests with those bytes. A deploy restarts the processes, and with them
the schema; a new industry renders it again.
"""

from __future__ import annotations

import threading

from django.http import HttpResponse
from django.utils import translation
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView

_RENDERED: dict[tuple, tuple[bytes, str, str]] = {}
_LOCK = threading.Lock()


def _reference_versions() -> tuple:
    """The values the schema lists from the reference tables (three small reads: a hundred
    short codes), so a changed table renders the schema again."""
    from common.api.schema import REFERENCE_PARAMETERS, _reference_values

    return tuple(
        tuple(_reference_values(label, column) or ())
        for label, column in REFERENCE_PARAMETERS.values()
    ) + tuple(
        tuple(_reference_values(label, "pk") or ()) for label, _ in REFERENCE_PARAMETERS.values()
    )


class CachedSchemaView(SpectacularAPIView):
    """`SpectacularAPIView` whose rendered schema is kept for the life of the process."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        key = getattr(self, "_schema_key", None)
        if key is not None and response.status_code == 200 and not response.streaming:
            content = response.rendered_content
            with _LOCK:
                _RENDERED[key] = (
                    content,
                    response["Content-Type"],
                    response.get("Content-Disposition", ""),
                )
        return response

    @extend_schema(**SCHEMA_KWARGS)  # as the parent's: the schema's own endpoint
    def get(self, request, *args, **kwargs):
        version = self.api_version or request.version or self._get_version_parameter(request)
        language = request.GET.get("lang") or translation.get_language()
        self._schema_key = (version, language, request.accepted_media_type, _reference_versions())
        found = _RENDERED.get(self._schema_key)
        if found is not None:
            self._schema_key = None
            content, content_type, disposition = found
            response = HttpResponse(content, content_type=content_type)
            if disposition:
                response["Content-Disposition"] = disposition
            return response
        return super().get(request, *args, **kwargs)
