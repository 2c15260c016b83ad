from rest_framework import serializers

from regions.models import FederalDistrict, Region


class FederalDistrictSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = FederalDistrict
        fields = ["code", "name"]


class RegionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class FederalDistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = FederalDistrict
        fields = ["code", "name", "name_en"]


class RegionSerializer(serializers.ModelSerializer):
    federal_district = FederalDistrictSummarySerializer(allow_null=True, read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "name_en", "kind", "slug", "federal_district"]
