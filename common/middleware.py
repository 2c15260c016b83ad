"""Site-wide request guards: hostile bytes, oversize bodies, page rate limits, browser policy.

Whatever a client sends, it gets a 4xx, never a 500: the API (`/api/`) answers in JSON, the
site with its Russian error pages. These run before any view, so no view has to remember.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from common.api.throttling import PageRateThrottle

API_PREFIX = "/api/"
# C0 controls and DEL never belong in a URL path; PostgreSQL refuses NUL in any lookup.
_PATH_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f]")

MESSAGES = {
    400: "Неверный запрос: в адресе или параметрах есть недопустимые символы.",
    404: "Страница не найдена.",
    413: "Слишком большой запрос: тело превышает допустимый размер ({limit} байт).",
    429: "Слишком много запросов. Повторите попытку через {wait} с.",
}

PLAIN_MESSAGES = {
    400: "Неверный запрос.",
    403: "Доступ запрещён.",
    404: "Страница не найдена.",
    500: "Внутренняя ошибка сервера.",
}


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def error_response(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    """JSON `{"detail": ...}` for the API, the Russian error page of that status for the site."""
    if is_api(request):
        return JsonResponse(
            {"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    template = loader.select_template([f"{status}.html", "400.html"])
    return HttpResponse(
        template.render({"detail": detail, "status": status}, request), status=status
    )


def _has_nul(request: HttpRequest) -> bool:
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return True
    return False


def _is_html(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


class HostileInputMiddleware:
    """Refuses control characters in the path (404) and NUL in the query string (400),
    announces an oversize body as 413 before anything reads it, and turns a database
    refusal of a value (NUL, an integer past the column's range) into a 400."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _PATH_FORBIDDEN.search(request.path_info):
            return error_response(request, 404, MESSAGES[404])
        if _has_nul(request):
            return error_response(request, 400, MESSAGES[400])
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        # File uploads (multipart) are bounded by the upload handlers, not by this limit.
        multipart = request.content_type == "multipart/form-data"
        if limit is not None and length > limit and not multipart:
            return error_response(request, 413, MESSAGES[413].format(limit=limit))
        response = self.get_response(request)
        if is_api(request) and response.status_code >= 400 and _is_html(response):
            # Django's own error pages (an unrouted /api/ path, a CSRF failure, a refused
            # Host) would be HTML; API clients get the same answer as JSON.
            detail = PLAIN_MESSAGES.get(response.status_code, "Запрос не выполнен.")
            return error_response(request, response.status_code, detail)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, DataError):
            return error_response(request, 400, MESSAGES[400])
        return None


class PageThrottleMiddleware:
    """Limits the public pages per client (`pages`, and `search` for the filtered catalogue).

    The API has its own throttles (DRF) and the admin its login lockout (django-axes); only
    the views of the public site's namespaces are counted here.
    """

    namespaces = frozenset({"overview", "clusters", "regions"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.namespace not in self.namespaces:
            return None
        throttle = PageRateThrottle()
        if throttle.allow_request(request, None):
            return None
        wait = throttle.wait()
        seconds = max(1, int(wait or 1))
        response = error_response(request, 429, MESSAGES[429].format(wait=seconds))
        response["Retry-After"] = str(seconds)
        return response


class PermissionsPolicyMiddleware:
    """Sends `Permissions-Policy` on every response: the registry uses no browser feature."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.PERMISSIONS_POLICY
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response
