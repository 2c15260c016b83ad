import re

from django.core.exceptions import ValidationError
from django.db import models

# Characters no registry text may hold: C0 controls and DEL, C1 controls, and the invisible
# bidirectional marks, embeddings, overrides and isolates that make «ОПЦ» read as something
# else (CVE-2021-42574, "Trojan Source"). Line breaks and tabs are allowed in long text only.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_FORBIDDEN_IN_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ufeff]")
_FORBIDDEN_IN_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ufeff]")

CONTROL_CHARACTERS_MESSAGE = (
    "Текст содержит недопустимый управляющий символ {char} (позиция {position}): "
    "невидимые символы и переключатели направления текста могут исказить название. "
    "Удалите его."
)

# The one answer for a unique value (slug, ИНН, ОГРН, code) some row already holds. It names
# neither the row nor its region: the row may be one the user may not see (a draft of another
# region), and the answer must not tell that one from a row the user sees (issue 20).
UNIQUE_TAKEN = "Это значение уже занято в реестре; укажите другое."


def forbidden_character(value: str, *, multiline: bool) -> tuple[int, str] | None:
    """The first character of `value` no registry text may hold, with its 1-based position."""
    pattern = _FORBIDDEN_IN_TEXT if multiline else _FORBIDDEN_IN_LINE
    match = pattern.search(value)
    if match is None:
        return None
    return match.start() + 1, match.group()


class TimeStampedModel(models.Model):
    """Adds the created/updated timestamps every registry table carries.

    Its clean_fields() also refuses control and bidirectional-override characters in every
    text field, so every door that calls full_clean() (admin, API, import, extraction) does.
    """

    created_at = models.DateTimeField("создано", auto_now_add=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        errors: dict[str, list[ValidationError]] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            if field.name in errors or (exclude and field.name in exclude):
                continue
            value = getattr(self, field.attname)
            if not isinstance(value, str):
                continue
            found = forbidden_character(value, multiline=isinstance(field, models.TextField))
            if found is not None:
                position, char = found
                errors[field.name] = [
                    ValidationError(
                        CONTROL_CHARACTERS_MESSAGE.format(
                            char=f"U+{ord(char):04X}", position=position
                        ),
                        code="control_character",
                    )
                ]
        if errors:
            raise ValidationError(errors)

    def unique_error_message(self, model_class, unique_check):
        # Django's «<Model> с таким <field> уже существует.»: the same meaning, one neutral
        # wording for every door (admin, API, import), see UNIQUE_TAKEN.
        error = super().unique_error_message(model_class, unique_check)
        return ValidationError(UNIQUE_TAKEN, code=error.code, params=error.params)
