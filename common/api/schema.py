"""OpenAPI helpers: say how each resource is looked up, and what its writes take and return.

RegistryAutoSchema (the project's DEFAULT_SCHEMA_CLASS) makes the schema tell the truth about
what the code does: reads need no credentials, every operation lists the errors it can answer
with (all JSON `{"detail": ...}` or field messages), and filters carry their real types and
allowed values, so a generated client or a fuzzer (schemathesis in .ci/run) can rely on it.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions

from common.api.permissions import StaffModelPermissionsOrReadOnly

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="ETag из предыдущего GET; если объект с тех пор изменился — 412 и ничего не меняется.",
)
PRECONDITION_FAILED = OpenApiResponse(description="If-Match не совпадает с текущим ETag.")
# Parameters of every list's CSV export (common/api/viewsets.py stream_csv).
EXPORT_PARAMETERS = [
    OpenApiParameter(
        "dialect",
        OpenApiTypes.STR,
        enum=["excel-ru"],
        description=(
            "С format=csv: excel-ru — CSV для русского Excel (разделитель «;», десятичная "
            "запятая, даты ДД.ММ.ГГГГ, «да»/«нет», подписи вместо кодов, заголовки по-русски)."
        ),
    ),
    OpenApiParameter(
        "labels",
        OpenApiTypes.STR,
        enum=["ru"],
        description="С format=csv: ru — заголовки столбцов по-русски (значения — коды).",
    ),
]


def lookup_schema(name: str, description: str):
    """Decorate a viewset: describe its path lookup and, when writable, its write shapes."""

    def decorate(cls):
        kwarg = cls.lookup_url_kwarg or cls.lookup_field
        param = OpenApiParameter(
            "id" if kwarg == "pk" else kwarg,
            OpenApiTypes.INT if name == "id" else OpenApiTypes.STR,
            OpenApiParameter.PATH,
            description=description,
        )
        read = cls.detail_serializer_class or cls.serializer_class
        write = cls.write_serializer_class
        schemas = {"retrieve": extend_schema(parameters=[param])}
        if write is not None:
            schemas["create"] = extend_schema(request=write, responses={201: read})
            for action in ("update", "partial_update"):
                schemas[action] = extend_schema(
                    parameters=[param, IF_MATCH],
                    request=write,
                    responses={200: read, 412: PRECONDITION_FAILED},
                )
            schemas["destroy"] = extend_schema(
                parameters=[param, IF_MATCH], responses={204: None, 412: PRECONDITION_FAILED}
            )
        return extend_schema_view(**schemas)(cls)

    return decorate


ERROR_SCHEMA = {
    "type": "object",
    "description": "`detail` — сообщение; при ошибках проверки — списки сообщений по полям.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
ERRORS = {
    "400": "Неверный запрос: значение фильтра или поля, недопустимые символы, вложенность JSON.",
    "401": "Передан неверный или просроченный токен.",
    "403": "Нет прав на изменение (нужен сотрудник с правом на эту модель).",
    "404": "Объект или страница списка не найдены (черновики не видны без права).",
    "406": "Запрошенный формат ответа не поддерживается (есть JSON и CSV).",
    "409": "Изменение противоречит связанным данным или ограничению базы.",
    "412": "If-Match не совпадает с текущим ETag.",
    "413": "Тело запроса больше допустимого размера.",
    "415": "Тип тела запроса не поддерживается.",
    "429": "Превышен допустимый темп запросов; заголовок Retry-After — через сколько секунд.",
}
# Answered by the web server (gunicorn, or a proxy in front of it) before the request reaches the
# application, for every operation alike: an HTML page, not JSON. Gunicorn's limits are a
# request line of 4094 bytes and a header field of 8190 bytes (README, "Production").
SERVER_ERRORS = {
    "414": "Строка запроса длиннее допустимой (4094 байта): отвечает веб-сервер, страницей HTML.",
    "431": "Заголовок запроса длиннее допустимого (8190 байт): отвечает веб-сервер, страницей HTML.",
}
# A write that would change public data, by a user who may not publish, waits for review.
PENDING_RESPONSE = {
    "description": "Изменение опубликованных данных отправлено на проверку федеральному "
    "редактору; до одобрения открытые данные не меняются.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["detail", "pending_change"],
                "properties": {
                    "detail": {"type": "string"},
                    "pending_change": {
                        "type": "object",
                        "properties": {
                            "id": {"type": "integer"},
                            "kind": {"type": "string"},
                            "state": {"type": "string"},
                            "diff": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "field": {"type": "string"},
                                        "now": {"type": "string"},
                                        "proposed": {"type": "string"},
                                    },
                                },
                            },
                        },
                    },
                },
            }
        }
    },
}
READ_ERRORS = ("400", "401", "404", "406", "429")
WRITE_ERRORS = ("400", "401", "403", "404", "406", "409", "413", "415", "429")
CHANGE_ERRORS = (*WRITE_ERRORS, "412")


class RegistryAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, told the registry's truths (see the methods)."""

    def get_auth(self):
        """Reads are open to everyone: say so with the empty requirement `{}`."""
        auths = super().get_auth()
        view_permissions = self.view.get_permissions()
        open_reads = any(
            isinstance(p, StaffModelPermissionsOrReadOnly) for p in view_permissions
        ) or all(isinstance(p, permissions.AllowAny) for p in view_permissions)
        if self.method in permissions.SAFE_METHODS and open_reads and {} not in auths:
            auths.append({})
        return auths

    def _error_codes(self) -> tuple[str, ...]:
        if self.method in ("PUT", "PATCH", "DELETE"):
            codes = CHANGE_ERRORS
        elif self.method == "POST":
            codes = WRITE_ERRORS
        else:
            codes = READ_ERRORS
        if self.method == "DELETE":
            codes = tuple(code for code in codes if code != "415")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code in responses and responses[code].get("content"):
                continue
            responses[code] = {
                "description": responses.get(code, {}).get("description") or ERRORS[code],
                "content": {"application/json": {"schema": ERROR_SCHEMA}},
            }
        if self.method in ("POST", "PUT", "PATCH", "DELETE") and hasattr(
            self.view, "write_services"
        ):
            responses.setdefault("202", PENDING_RESPONSE)
        for code, description in SERVER_ERRORS.items():
            responses.setdefault(
                code,
                {
                    "description": description,
                    "content": {"text/html": {"schema": {"type": "string"}}},
                },
            )
        return responses

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method == "GET" and self._is_list_view() and hasattr(self.view, "stream_csv"):
            parameters = [*parameters, *EXPORT_PARAMETERS]
        return parameters

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        # A FilterSet declares the values of its loose (method) filters in `parameter_schemas`.
        filterset = getattr(self.view, "filterset_class", None)
        declared = getattr(filterset, "parameter_schemas", {})
        for parameter in parameters:
            name = parameter.get("name")
            if name == "ordering":
                self._ordering_schema(parameter)
            elif name in declared and "enum" not in parameter.get("schema", {}):
                parameter["schema"] = {**parameter.get("schema", {}), **declared[name]}
        return parameters

    def _ordering_schema(self, parameter: dict) -> None:
        fields = getattr(self.view, "ordering_fields", None)
        if not fields or fields == "__all__":
            return
        names = [name for field in fields for name in (field, f"-{field}")]
        parameter["schema"] = {"type": "array", "items": {"type": "string", "enum": names}}
        parameter["style"] = "form"
        parameter["explode"] = False
        parameter["description"] = (
            "Порядок: поля через запятую, «-» перед полем — по убыванию. "
            "Последним всегда идёт первичный ключ."
        )

    def _get_pagination_parameters(self):
        parameters = super()._get_pagination_parameters()
        paginator = self._get_paginator()
        for parameter in parameters:
            if parameter.get("name") == "page":
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter.get("name") == getattr(paginator, "page_size_query_param", None):
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": getattr(paginator, "max_page_size", None) or 500,
                }
        return parameters
