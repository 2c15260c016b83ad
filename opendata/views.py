"""The published open-data files, served by the app from the storage (/open-data/files/)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from opendata.services import opendata_file


@require_GET
def open_data_file(request, path: str):
    content = opendata_file(path)
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{path.rsplit("/", 1)[-1]}"'
    response["Cache-Control"] = "public, max-age=3600"
    return response
