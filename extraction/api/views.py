from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from extraction.api.serializers import ExtractRequestSerializer, ExtractResponseSerializer
from extraction.extractor import extract
from extraction.services import reference_from_db


class ExtractView(APIView):
    """Propose the clusters, money and figures a pasted press release states (staff only).

    Writes nothing: the answer is what the admin's review screen offers for acceptance.
    """

    permission_classes = [permissions.IsAdminUser]

    @extend_schema(request=ExtractRequestSerializer, responses=ExtractResponseSerializer)
    def post(self, request):
        serializer = ExtractRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        extraction = extract(serializer.validated_data["text"], reference_from_db())
        return Response(extraction.as_api())
