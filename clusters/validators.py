"""Checks of Russian legal-entity identifiers (ИНН, ОГРН): length and check digit."""

from django.core.exceptions import ValidationError

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)


def validate_inn(value: str) -> None:
    if not value.isdigit() or len(value) != 10:
        raise ValidationError(
            "ИНН организации состоит из 10 цифр.", code="inn_length", params={"value": value}
        )
    checksum = sum(int(d) * w for d, w in zip(value, _INN10_WEIGHTS, strict=False)) % 11 % 10
    if checksum != int(value[9]):
        raise ValidationError("Неверный ИНН: не сходится контрольная цифра.", code="inn_checksum")


def validate_ogrn(value: str) -> None:
    if not value.isdigit() or len(value) != 13:
        raise ValidationError("ОГРН состоит из 13 цифр.", code="ogrn_length")
    if int(value[:12]) % 11 % 10 != int(value[12]):
        raise ValidationError("Неверный ОГРН: не сходится контрольная цифра.", code="ogrn_checksum")


def validate_not_placeholder(value: str) -> None:
    """An organisation's name must name one organisation: «12 учреждений СПО», «местные
    предприятия» or a name the source cut off are a count or nothing, never a record."""
    from clusters.matching import PlaceholderKind, placeholder

    found = placeholder(value)
    if found is None:
        return
    if found.kind is PlaceholderKind.TRUNCATED:
        raise ValidationError(
            "Название обрезано в источнике («%(value)s»): внесите полное название или не "
            "вносите организацию — её можно учесть в показателе «число участников».",
            code="name_truncated",
            params={"value": value},
        )
    raise ValidationError(
        "«%(value)s» — не название организации, а описание группы: внесите число как "
        "заявленный показатель кластера (например, «сетевых колледжей: 12»).",
        code="name_placeholder",
        params={"value": value},
    )
