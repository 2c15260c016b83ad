from rest_framework import serializers

from common.qualifiers import Qualifier
from extraction.extractor import UNKNOWN

MAX_TEXT = 200_000  # characters: a long press release is ~20 000


class ExtractRequestSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_TEXT, trim_whitespace=False)


class ExtractedClusterSerializer(serializers.Serializer):
    region = serializers.CharField(
        allow_null=True, help_text="Название субъекта, как в справочнике"
    )
    industry = serializers.CharField(allow_null=True, help_text="slug отрасли или null")
    kind = serializers.ChoiceField(
        choices=["production_center", "education_cluster"], allow_null=True
    )
    base_college = serializers.CharField()
    network_colleges = serializers.ListField(child=serializers.CharField())
    employers = serializers.ListField(child=serializers.CharField())
    year = serializers.IntegerField(
        allow_null=True, help_text="Год отбора, если текст его называет"
    )


class ExtractedMoneySerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=False)
    # The registry's qualifiers; «до 100 млн» is at_most (Qualifier.AT_MOST, issue 8).
    qualifier = serializers.ChoiceField(choices=Qualifier.choices)
    source = serializers.ChoiceField(
        choices=["federal", "regional", "employer", "extrabudgetary", UNKNOWN]
    )
    scope = serializers.CharField(
        allow_null=True, help_text="Базовая организация кластера или «joint: …» для нескольких"
    )
    quote = serializers.CharField(help_text="Точная подстрока текста")


class ExtractedFigureSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[
            "students",
            "graduates",
            "intake",
            "workshops",
            "employers",
            "colleges",
            "programmes",
            "area",
        ]
    )
    value = serializers.IntegerField()
    qualifier = serializers.ChoiceField(choices=Qualifier.choices)
    scope = serializers.CharField(
        allow_null=True,
        help_text="Базовая организация кластера; «region» — показатель субъекта или нескольких "
        "кластеров вместе; null — кластер, базу которого текст не называет",
    )
    quote = serializers.CharField()


class ExtractResponseSerializer(serializers.Serializer):
    clusters = ExtractedClusterSerializer(many=True)
    money = ExtractedMoneySerializer(many=True)
    figures = ExtractedFigureSerializer(many=True)
