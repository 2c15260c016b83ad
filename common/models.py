import logging
import re
import unicodedata
from contextlib import nullcontext

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, CheckConstraint, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE
from django.utils.deconstruct import deconstructible

logger = logging.getLogger(__name__)

# Characters no registry text may hold — one rule for every door (models, admin forms, API
# serializers, the import), since each of them validates through `hidden_character`:
# - C0 controls and DEL, C1 controls (line breaks and tabs are allowed in long text only);
# - the bidirectional marks, embeddings, overrides and isolates that make «ОПЦ» read as
#   something else (CVE-2021-42574, "Trojan Source"), and the line/paragraph separators;
# - invisible and format characters that make two equal-looking names differ or hide text:
#   every format character of Unicode (category Cf: zero-width space, non-joiner and joiner,
#   word joiner, soft hyphen, U+180E, the BOM, the invisible operators, tag characters
#   U+E0000–E007F...), and the blank letters (Hangul fillers U+115F, U+1160, U+3164, U+FFA0,
#   the combining grapheme joiner U+034F, Khmer's U+17B4/U+17B5).
_CONTROLS_IN_LINE = "\x00-\x1f\x7f-\x9f"
_CONTROLS_IN_TEXT = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_FORMAT = (  # Unicode 15's category Cf, ranges merged (tests/security/test_control_characters)
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e007f"
)
_BLANK_LETTERS = "\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0\u2028\u2029"
_FORBIDDEN_IN_LINE = re.compile(f"[{_CONTROLS_IN_LINE}{_FORMAT}{_BLANK_LETTERS}]")
_FORBIDDEN_IN_TEXT = re.compile(f"[{_CONTROLS_IN_TEXT}{_FORMAT}{_BLANK_LETTERS}]")

# The ones people meet, by their Russian names; any other is named by its code alone.
CHARACTER_NAMES = {
    "\u00ad": "мягкий перенос",
    "\u034f": "невидимый соединитель графем",
    "\u061c": "арабская метка направления",
    "\u115f": "корейский заполнитель",
    "\u1160": "корейский заполнитель",
    "\u180e": "монгольский разделитель гласных",
    "\u200b": "пробел нулевой ширины",
    "\u200c": "несоединитель нулевой ширины",
    "\u200d": "соединитель нулевой ширины",
    "\u200e": "метка направления слева направо",
    "\u200f": "метка направления справа налево",
    "\u2028": "разделитель строк",
    "\u2029": "разделитель абзацев",
    "\u202a": "переключатель направления текста",
    "\u202b": "переключатель направления текста",
    "\u202c": "переключатель направления текста",
    "\u202d": "переключатель направления текста",
    "\u202e": "переключатель направления текста (переворот)",
    "\u2060": "невидимый соединитель слов",
    "\u2066": "изоляция направления текста",
    "\u2067": "изоляция направления текста",
    "\u2068": "изоляция направления текста",
    "\u2069": "изоляция направления текста",
    "\u3164": "корейский заполнитель",
    "\ufeff": "метка порядка байтов (BOM)",
    "\uffa0": "корейский заполнитель",
}

CONTROL_CHARACTERS_MESSAGE = (
    "Текст содержит недопустимый управляющий символ {char} (позиция {position}): "
    "невидимые символы и переключатели направления текста могут исказить название. "
    "Удалите его."
)

# The one answer for a unique value (slug, ИНН, ОГРН, code) some row already holds. It names
# neither the row nor its region: the row may be one the user may not see (a draft of another
# region), and the answer must not tell that one from a row the user sees (issue 20).
UNIQUE_TAKEN = "Это значение уже занято в реестре; укажите другое."


def character_label(char: str) -> str:
    """`U+200B «пробел нулевой ширины»`: the code and, where it has one, the Russian name."""
    code = f"U+{ord(char):04X}"
    if char in CHARACTER_NAMES:
        return f"{code} «{CHARACTER_NAMES[char]}»"
    if 0xE0000 <= ord(char) <= 0xE007F:
        return f"{code} «невидимый символ-тег»"
    if unicodedata.category(char) == "Cc":
        return f"{code} «управляющий символ»"
    return f"{code} «невидимый символ»"


def forbidden_character(value: str, *, multiline: bool) -> tuple[int, str] | None:
    """The first character of `value` no registry text may hold, with its 1-based position."""
    pattern = _FORBIDDEN_IN_TEXT if multiline else _FORBIDDEN_IN_LINE
    match = pattern.search(value)
    if match is None:
        return None
    return match.start() + 1, match.group()


def hidden_character_error(value: str, *, multiline: bool) -> ValidationError | None:
    """The Russian refusal of `value` (naming the character and its place), or None."""
    found = forbidden_character(value, multiline=multiline)
    if found is None:
        return None
    position, char = found
    return ValidationError(
        CONTROL_CHARACTERS_MESSAGE.format(char=character_label(char), position=position),
        code="control_character",
    )


@deconstructible
class NoHiddenCharacters:
    """The same rule as a field validator, for the form fields no model field backs (review
    comments, reasons): `forms.CharField(validators=[NoHiddenCharacters(multiline=True)])`."""

    def __init__(self, *, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value) -> None:
        if isinstance(value, str):
            error = hidden_character_error(value, multiline=self.multiline)
            if error is not None:
                raise error

    def __eq__(self, other) -> bool:
        return isinstance(other, NoHiddenCharacters) and other.multiline == self.multiline


class TimeStampedModel(models.Model):
    """Adds the created/updated timestamps every registry table carries.

    Its clean_fields() also refuses control, bidirectional-override and invisible characters
    in every text field, so every door that calls full_clean() (admin, API, import, extraction) does.
    """

    created_at = models.DateTimeField("создано", auto_now_add=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        errors: dict[str, list[ValidationError]] = {}
        try:
            super().clean_fields(exclude={*(exclude or ()), *self._loaded_relations()})
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
            error = hidden_character_error(value, multiline=isinstance(field, models.TextField))
            if error is not None:
                errors[field.name] = [error]
        if errors:
            raise ValidationError(errors)

    def _loaded_relations(self) -> set[str]:
        """Foreign keys whose value is the key of a related object this process loaded from
        (or saved to) the database and holds: Django would query that it exists, once per
        key per `full_clean()` — the import of the press sample asked 10 000 times. The
        database's own foreign key still refuses a row deleted since. Keys with
        `limit_choices_to` are checked as Django checks them."""
        loaded = set()
        for field in self._meta.concrete_fields:
            if not field.many_to_one or field.get_limit_choices_to() or not field.is_cached(self):
                continue
            related = field.get_cached_value(self)
            if (
                related is not None
                and not related._state.adding
                and getattr(self, field.attname) == getattr(related, field.target_field.attname)
            ):
                loaded.add(field.name)
        return loaded

    def validate_constraints(self, exclude=None):
        """Django's validation of the model's constraints, with its check constraints asked of
        the database in one query: Django asks once per constraint, each in a savepoint of its
        own when a transaction is open (three statements a constraint; the press-sample import
        asked 6 000 times). Same errors, same order, same skipping of a constraint that reads
        an excluded field (tests/common/test_model_clean.py compares both on every model)."""
        using = router.db_for_write(self.__class__, instance=self)
        errors = {}
        for model_class, model_constraints in self.get_constraints():
            broken = _broken_checks(model_class, self, model_constraints, exclude, using)
            for constraint in model_constraints:
                try:
                    if broken is not None and type(constraint) is CheckConstraint:
                        if constraint in broken:
                            raise ValidationError(
                                constraint.get_violation_error_message(),
                                code=constraint.violation_error_code,
                            )
                    else:
                        constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as e:
                    if getattr(e, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(e)
                    else:
                        errors = e.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def unique_error_message(self, model_class, unique_check):
        # Django's «<Model> с таким <field> уже существует.»: the same meaning, one neutral
        # wording for every door (admin, API, import), see UNIQUE_TAKEN.
        error = super().unique_error_message(model_class, unique_check)
        return ValidationError(UNIQUE_TAKEN, code=error.code, params=error.params)


def _broken_checks(model, instance, constraints, exclude, using) -> list | None:
    """The check constraints of `constraints` (plain `CheckConstraint`s) that `instance`
    breaks, asked in one query as Django's `Q.check` asks each: the instance's values as
    parameters, a condition that is NULL counts as kept, a constraint reading an excluded
    field is not asked. None (each is then asked as Django asks it) where one query cannot be
    trusted to say the same: a database that cannot select a condition, a database error."""
    checks = [c for c in constraints if type(c) is CheckConstraint]
    connection = connections[using]
    if not checks or not connection.features.supports_comparing_boolean_expr:
        return [] if not checks else None
    query = Query(None)
    for name, value in instance._get_field_expression_map(
        meta=model._meta, exclude=exclude
    ).items():
        query.add_annotation(
            value if hasattr(value, "resolve_expression") else Value(value), name, select=False
        )
    asked = []
    for index, constraint in enumerate(checks):
        try:
            query.add_annotation(
                Coalesce(Q(constraint.condition), True, output_field=BooleanField()),
                f"_check_{index}",
            )
        except FieldError:  # it reads a field that is excluded: not asked, as in Django
            continue
        asked.append(constraint)
    if not asked:
        return []
    opened = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
    try:
        with opened:
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError:
        logger.warning("check constraints of %s asked one by one", model.__name__, exc_info=True)
        return None
    return [constraint for constraint, kept in zip(asked, row, strict=True) if not kept]
