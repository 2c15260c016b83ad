from rest_framework import serializers


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="Название поля по-русски.")
    before = serializers.CharField(help_text="Было (пусто у записи о создании).")
    after = serializers.CharField(help_text="Стало.")


class ChangeSerializer(serializers.Serializer):
    """One save of one registry object, with the same wording as the admin's history."""

    at = serializers.DateTimeField()
    action = serializers.CharField(help_text="создание, изменение или удаление")
    event = serializers.CharField(
        allow_null=True,
        help_text=(
            "Шаг проверки, если изменение — он: отправка на проверку, публикация, возврат на "
            "доработку, снятие с публикации; иначе null. Комментарий — в reason."
        ),
    )
    model = serializers.CharField(help_text="Модель, например funding.fundingline.")
    model_label = serializers.CharField()
    object_id = serializers.IntegerField()
    object = serializers.CharField()
    user = serializers.CharField()
    reason = serializers.CharField()
    changes = FieldChangeSerializer(many=True)


class ChangePageSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    results = ChangeSerializer(many=True)
