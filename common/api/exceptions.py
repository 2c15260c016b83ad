"""JSON errors with field-level messages, whatever raised them."""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "Объект изменился после того, как вы его получили (If-Match не совпадает)."
    default_code = "precondition_failed"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Операция противоречит связанным данным."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Слишком большой запрос: тело превышает допустимый размер."
    default_code = "payload_too_large"


class InvalidValue(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Недопустимое значение в запросе (например, число вне допустимого диапазона)."
    default_code = "invalid"


def django_errors_as_dict(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ValidationError as {field: [messages]}, non-field errors under DRF's key."""
    if hasattr(exc, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): [
                message for error in errors for message in error.messages
            ]
            for field, errors in exc.error_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


def registry_exception_handler(exc, context):
    """DRF's handler, plus Django validation, protected deletes and constraint races as JSON.

    Also what Django or the database refuse about the request itself: an oversize body (413),
    too many form fields and a value the database cannot store or compare (400) — never a 500.
    """
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(
            f"Слишком большой запрос: тело превышает {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} байт."
        )
    elif isinstance(exc, TooManyFieldsSent):
        exc = InvalidValue("Слишком много полей в запросе.")
    elif isinstance(exc, DataError):
        exc = InvalidValue()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_errors_as_dict(exc))
    elif isinstance(exc, ProtectedError | RestrictedError):
        blocking = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
        names = sorted({str(obj) for obj in blocking})[:10]
        exc = Conflict(
            {"detail": "Нельзя удалить: на объект ссылаются другие записи.", "blocked_by": names}
        )
    elif isinstance(exc, IntegrityError):
        # A concurrent write got past full_clean(); the database constraint had the last word.
        exc = Conflict({"detail": "Запись нарушает ограничение базы данных.", "error": str(exc)})
    return exception_handler(exc, context)
