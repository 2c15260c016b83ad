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
