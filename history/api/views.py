from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from common.access import CHANGE_FEED, holds
from history.api.serializers import ChangePageSerializer
from history.queries import feed

MAX_PAGE_SIZE = 200


class CanReadChangeFeed(BasePermission):
    """Active staff holding `history.view_change` (federal editors, reviewers)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_staff and holds(user, CHANGE_FEED))


def _positive(value: str | None, default: int, name: str) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValidationError({name: ["Ожидается целое число."]}) from None
    if number < 1:
        raise ValidationError({name: ["Ожидается число больше нуля."]})
    return number


class ChangeListView(APIView):
    """Every change to registry data, newest first: the admin's feed, for staff scripts.

    Filters as in the admin: `user` (id), `region` (id), `model` (e.g. `funding.fundingline`),
    `since` / `until` (YYYY-MM-DD, Moscow time); `page`, `page_size` (≤ 200).
    """

    permission_classes = [CanReadChangeFeed]

    @extend_schema(
        parameters=[
            OpenApiParameter("user", int),
            OpenApiParameter("region", int),
            OpenApiParameter("model", str),
            OpenApiParameter("since", str, description="YYYY-MM-DD"),
            OpenApiParameter("until", str, description="YYYY-MM-DD"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=ChangePageSerializer,
    )
    def get(self, request):
        page = _positive(request.query_params.get("page"), 1, "page")
        size = min(_positive(request.query_params.get("page_size"), 50, "page_size"), MAX_PAGE_SIZE)
        filterset, changes, has_next = feed(
            request.query_params, user=request.user, page=page, page_size=size
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return Response(
            {"page": page, "has_next": has_next, "results": [c.as_dict() for c in changes]}
        )
