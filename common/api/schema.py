"""OpenAPI helpers: say how each resource is looked up, and what its writes take and return."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="ETag из предыдущего GET; если объект с тех пор изменился — 412 и ничего не меняется.",
)
PRECONDITION_FAILED = OpenApiResponse(description="If-Match не совпадает с текущим ETag.")


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


class RegistryAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, told the registry's truths (see the methods)."""
