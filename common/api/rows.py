"""List rows straight from `.values()`, planned from the read serializer's own declaration.

DRF spends a list's time building model instances (a page of 100 clusters builds ~1 500 of them
for its nested lists) and then walking them attribute by attribute. A `RowPlan` is compiled
once per serializer class from its fields: every plain field becomes a column read with
`.values()` (its source path joined by `__`), every nested object (a foreign key, a reverse
one-to-one, or `source="*"`) becomes the same columns under a prefix, and every nested list (a
reverse foreign key or a many-to-many) becomes one more `.values()` query for the whole page.
Each value is still written by the field's own `to_representation`, None is passed through and
a missing related object gives null or drops the key exactly as DRF does, so the rows are the
serializer's output — `tests/test_list_parity.py` holds the two equal for every list endpoint.

A nested list keeps the order of the viewset's `Prefetch` for it (or its model's ordering) and
the filter it declares with `row_filter` (see `FilteredListSerializer`, `FirstMatchSerializer`):
the DRF path filters the prefetched rows in Python, the plan adds the same filter to its query.
A field the planner does not understand (a method field, a property source, a custom
`to_representation`...) makes `plan_for()` return None and the view falls back to DRF, so a
new nested field can never break a list; the parity test fails instead of the speed going.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, NamedTuple

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import Prefetch, QuerySet
from django.db.models.manager import BaseManager
from rest_framework import serializers
from rest_framework.fields import Field, empty

_SKIP = object()


class Unplannable(Exception):
    """The serializer has a field the plan cannot reproduce from `.values()`."""


def _matches(obj: Any, row_filter: Mapping[str, Any]) -> bool:
    return all(getattr(obj, name) == value for name, value in row_filter.items())


class FilteredListSerializer(serializers.ListSerializer):
    """A nested list of the related rows whose attributes equal `row_filter`.

    The DRF path filters the prefetched rows in Python (no query per row); a `RowPlan` puts the
    same filter in its query.
    """

    row_filter: Mapping[str, Any] = {}

    def to_representation(self, data):
        items = data.all() if isinstance(data, BaseManager) else data
        return [self.child.to_representation(i) for i in items if _matches(i, self.row_filter)]


class FirstMatchSerializer(serializers.Serializer):
    """Mixin: a single nested object, the first related row (in `source`) matching `row_filter`.

    Declare `source="<reverse relation>"` on the field; null when no row matches.
    """

    row_filter: Mapping[str, Any] = {}

    def get_attribute(self, instance):
        related = super().get_attribute(instance)
        if related is None:
            return None
        return next((obj for obj in related.all() if _matches(obj, self.row_filter)), None)


class FinalizedRowSerializer(serializers.Serializer):
    """Mixin: a row rewritten as a whole once its fields are written, by the serializer's
    `finalize_row(row)` (a staticmethod) — the same on the DRF path and in a plan, so a rule
    that spans fields (e.g. «no money facts: the total is null, not zeros») needs no
    unplannable `to_representation`."""

    @staticmethod
    def finalize_row(row: dict[str, Any]) -> dict[str, Any]:
        return row

    def to_representation(self, instance):
        return self.finalize_row(super().to_representation(instance))


class FinalizedByRow:
    """Mixin for a read-only serializer field whose value the row's `finalize_row` writes from
    the row's other values (e.g. which budget parts a total covers). The field itself writes
    null; declaring it gives the key its place in the row, the schema and the CSV columns, and
    a plan (and the database's JSON) writes the same null for finalize_row to fill in."""

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return None


# --- plan nodes ---------------------------------------------------------------------------


@dataclass
class _Guard:
    """A nullable relation crossed on the way to a value: its pk column, and what its absence
    means to DRF (a null foreign key raises AttributeError; a missing reverse one-to-one is
    ObjectDoesNotExist, which DRF turns into None)."""

    path: str
    raises: bool


@dataclass
class _Node:
    name: str
    guards: list[_Guard]
    allow_null: bool

    def guarded(self, values: Mapping[str, Any]) -> Any:
        """None or _SKIP when a crossed relation is absent, else `empty` (go on)."""
        for guard in self.guards:
            if values[guard.path] is None:
                if not guard.raises or self.allow_null:
                    return None
                return _SKIP
        return empty


@dataclass
class _Finalized(_Node):
    """A FinalizedByRow field: null in the row, filled by the row's finalize_row."""


@dataclass
class _Scalar(_Node):
    path: str
    represent: Callable[[Any], Any]
    drf_field: Field | None = None  # what writes the value, and the model field it reads:
    model_field: models.Field | None = None  # how the database may write it (csv_copy.py)


class CellSpec(NamedTuple):
    """One CSV column of a flat plan: the `.values()` column holding its value, the columns
    that must not be null (relations crossed on the way), the value's representation, and the
    serializer and model fields behind it."""

    path: str
    guards: tuple[str, ...]
    represent: Callable[[Any], Any]
    drf_field: Field | None
    model_field: models.Field | None


@dataclass
class _One(_Node):
    pk_path: str | None  # None for source="*": the same row, never null
    plan: RowPlan


@dataclass
class _Many:
    name: str
    relation: str  # nested lists over the same relation share one query
    base: QuerySet  # the Prefetch's queryset (or the default one): its filters and order
    parent_column: str  # on base's model: the parent's pk
    ordering: list[Any]
    row_filter: dict[str, Any]  # column → value, as FilteredListSerializer declares it
    plan: RowPlan
    first_only: bool  # FirstMatchSerializer: one object or None, not a list


@dataclass
class RowPlan:
    """How to read and write the rows of one serializer (see the module docstring)."""

    nodes: list[_Node | _Many] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    finalize: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    # What other modules derive from the plan once (json_sql.py: its SQL), kept with it.
    derived: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def manys(self) -> list[_Many]:
        return [node for node in self.nodes if isinstance(node, _Many)]

    def write(self, values: Mapping[str, Any], nested: Mapping[str, dict[Any, Any]]) -> dict:
        """One row from its `.values()` dict and the nested lists already read for its page."""
        row: dict[str, Any] = {}
        for node in self.nodes:
            if isinstance(node, _Many):
                found = nested[node.name].get(values["pk"])
                if node.first_only:
                    row[node.name] = found[0] if found else None
                else:
                    row[node.name] = found or []
                continue
            outcome = node.guarded(values)
            if outcome is _SKIP:
                continue
            if outcome is None or isinstance(node, _Finalized):
                row[node.name] = None
            elif isinstance(node, _Scalar):
                value = values[node.path]
                row[node.name] = None if value is None else node.represent(value)
            elif node.pk_path is not None and values[node.pk_path] is None:
                row[node.name] = None
            else:
                row[node.name] = node.plan.write(values, nested)
        return self.finalize(row) if self.finalize is not None else row

    def rows(self, values_rows: list[Mapping[str, Any]], using: str | None = None) -> list[dict]:
        """The serializer's output for these `.values()` rows: one query per nested relation
        (on database `using`, that of the rows, when given)."""
        if not values_rows:
            return []
        nested = self._nested(values_rows, using)
        return [self.write(values, nested) for values in values_rows]

    def _nested(
        self, values_rows: list[Mapping[str, Any]], using: str | None
    ) -> dict[str, dict[Any, list]]:
        nested: dict[str, dict[Any, list]] = {}
        ids = [values["pk"] for values in values_rows]
        by_relation: dict[str, list[_Many]] = {}
        for many in self.manys:
            by_relation.setdefault(many.relation, []).append(many)
        for manys in by_relation.values():
            first = manys[0]
            columns = list(
                dict.fromkeys(
                    column for many in manys for column in [*many.plan.columns(), *many.row_filter]
                )
            )
            base = first.base if using is None else first.base.using(using)
            related = list(
                base.filter(**{f"{first.parent_column}__in": ids})
                .prefetch_related(None)
                .order_by(*first.ordering)
                .values(*columns, _parent=models.F(first.parent_column))
            )
            for many in manys:
                selected = [
                    values
                    for values in related
                    if all(values[key] == value for key, value in many.row_filter.items())
                ]
                groups: dict[Any, list] = {}
                for values, row in zip(selected, many.plan.rows(selected), strict=True):
                    groups.setdefault(values["_parent"], []).append(row)
                nested[many.name] = groups
        return nested

    def columns(self) -> list[str]:
        """The `.values()` columns of this plan: the row's pk (for its nested lists), then the rest."""
        return ["pk", *self.paths]

    def values_queryset(self, queryset: QuerySet) -> QuerySet:
        """The list's queryset (filters, order, slicing to come) reading only the plan's columns."""
        return queryset.prefetch_related(None).values(*self.columns())

    def iter_rows(self, queryset: QuerySet, chunk_size: int = 2000) -> Iterator[dict]:
        """Every row of the queryset, read with a server-side cursor, nested lists per chunk."""
        values = _streamed(self.values_queryset(queryset), chunk_size)
        if not self.manys:
            nested: dict = {}
            for row in values:
                yield self.write(row, nested)
            return
        while chunk := list(islice(values, chunk_size)):
            yield from self.rows(chunk, using=queryset.db)

    def cell_specs(self, columns: list[str]) -> list[CellSpec] | None:
        """For a plan without nested lists: each dotted CSV column as its `CellSpec`. None when
        a column is not one of the plan's."""
        if self.manys or self.finalize is not None:
            return None
        found: dict[str, CellSpec] = {}

        def collect(plan: RowPlan, name_prefix: str, outer: tuple[str, ...]) -> None:
            for node in plan.nodes:
                guards = (*outer, *(guard.path for guard in node.guards))
                if isinstance(node, _Finalized):
                    continue  # written by a finalize_row: no cell of its own to read
                if isinstance(node, _Scalar):
                    found[name_prefix + node.name] = CellSpec(
                        node.path, guards, node.represent, node.drf_field, node.model_field
                    )
                else:
                    pk = (node.pk_path,) if node.pk_path else ()
                    collect(node.plan, f"{name_prefix}{node.name}.", (*guards, *pk))

        collect(self, "", ())
        if any(column not in found for column in columns):
            return None
        return [found[column] for column in columns]

    def iter_cells(
        self,
        queryset: QuerySet,
        specs: list[CellSpec],
        format_cell: Callable[[Any], str],
        chunk_size: int = 2000,
    ) -> Iterator[list[str]]:
        """CSV cells straight from `.values_list()` tuples, read with a server-side cursor.

        An absent related object (a null guard) or a null value is an empty cell, as flattening
        the serializer's row gives; every other value goes through its field's representation
        and then `format_cell`, the one place cells are formatted.
        """
        keys = self.columns()
        index = {key: i for i, key in enumerate(keys)}
        compiled = [
            (index[spec.path], tuple(index[g] for g in spec.guards), spec.represent)
            for spec in specs
        ]
        empty_cell = format_cell(None)
        rows = queryset.prefetch_related(None).values_list(*keys)
        for row in _streamed(rows, chunk_size):
            yield [
                empty_cell
                if (value := row[value_at]) is None
                or (guards_at and None in [row[g] for g in guards_at])
                else format_cell(represent(value))
                for value_at, guards_at, represent in compiled
            ]


def _streamed(queryset: QuerySet, chunk_size: int) -> Iterator[Any]:
    """The rows through a server-side cursor inside a read transaction.

    Outside a transaction Django declares the cursor WITH HOLD, and PostgreSQL then computes and
    stores the whole result before the first row (seconds for a million rows); inside one it
    streams from the first row, and the whole export reads one consistent snapshot.
    """
    with transaction.atomic(using=queryset.db):
        yield from queryset.iterator(chunk_size=chunk_size)


# --- compiling ----------------------------------------------------------------------------


def _prefetch_querysets(queryset: QuerySet | None) -> dict[str, QuerySet]:
    found = {}
    for lookup in getattr(queryset, "_prefetch_related_lookups", ()):
        if isinstance(lookup, Prefetch) and lookup.queryset is not None:
            found[lookup.prefetch_to] = lookup.queryset
    return found


def _plain(cls: type, method: str, base: type) -> bool:
    return getattr(cls, method) is getattr(base, method)


def _walk(model: type[models.Model], attrs: list[str]) -> tuple[list[_Guard], str, Any]:
    """Follow a source through relations: the guards crossed, the `__` path, the last field."""
    guards: list[_Guard] = []
    parts: list[str] = []
    last: Any = None
    for index, attr in enumerate(attrs):
        try:
            last = model._meta.get_field(attr)
        except FieldDoesNotExist as exc:
            raise Unplannable(f"{attr} is not a field of {model.__name__}") from exc
        parts.append(attr)
        if index == len(attrs) - 1:
            break
        if last.many_to_many or last.one_to_many:
            raise Unplannable(f"{attr}: a list inside a dotted source")
        if not last.is_relation:
            raise Unplannable(f"{attr} is not a relation")
        if last.auto_created and not last.concrete:  # reverse one-to-one
            guards.append(_Guard("__".join(parts) + "__pk", raises=False))
        elif last.null:
            guards.append(_Guard("__".join(parts) + "__pk", raises=True))
        model = last.related_model
    return guards, "__".join(parts), last


def _identity(value: Any) -> Any:
    return value


def _represent(drf_field: Field) -> Callable[[Any], Any]:
    """The field's to_representation, or a shortcut giving the same for a database value.

    A text or choice column's value is already the string DRF writes, an integer column's the
    integer, a boolean column's the boolean; anything else (dates, decimals) goes through DRF.
    """
    kind = type(drf_field)
    if kind in (serializers.CharField, serializers.SlugField, serializers.EmailField):
        return _identity
    if kind is serializers.URLField:
        return _identity
    if kind is serializers.ChoiceField and all(
        str(key) == key and value == key
        for key, value in drf_field.choice_strings_to_values.items()
    ):
        return _identity
    if kind is serializers.IntegerField or kind is serializers.BooleanField:
        return _identity
    return drf_field.to_representation


def _scalar(name: str, drf_field: Field, model: type[models.Model], prefix: str) -> _Scalar:
    if not _plain(type(drf_field), "get_attribute", Field):
        raise Unplannable(f"{name}: custom get_attribute")
    if isinstance(
        drf_field,
        serializers.SerializerMethodField
        | serializers.RelatedField
        | serializers.ManyRelatedField
        | serializers.FileField
        | serializers.HiddenField,
    ):
        raise Unplannable(f"{name}: {type(drf_field).__name__}")
    guards, path, last = _walk(model, drf_field.source_attrs)
    attr = drf_field.source_attrs[-1]
    if last.is_relation and attr != getattr(last, "attname", None):
        raise Unplannable(f"{name}: reads a related object, not a column")
    if drf_field.default is not empty and any(g.raises for g in guards):
        raise Unplannable(f"{name}: a default behind a nullable relation")
    return _Scalar(
        name=name,
        guards=[_Guard(prefix + g.path, g.raises) for g in guards],
        allow_null=drf_field.allow_null,
        path=prefix + path,
        represent=_represent(drf_field),
        drf_field=drf_field,
        model_field=last,
    )


def _row_filter(serializer: serializers.BaseSerializer) -> Mapping[str, Any]:
    return getattr(serializer, "row_filter", {}) or {}


def _many(
    name: str,
    list_serializer: serializers.BaseSerializer,
    child: serializers.Serializer,
    model: type[models.Model],
    prefetches: dict[str, QuerySet],
    first_only: bool,
) -> _Many:
    attrs = list_serializer.source_attrs if not first_only else child.source_attrs
    if len(attrs) != 1:
        raise Unplannable(f"{name}: a nested list must be a direct relation")
    try:
        relation = model._meta.get_field(attrs[0])
    except FieldDoesNotExist as exc:
        raise Unplannable(f"{name}: {attrs[0]} is not a relation") from exc
    row_filter = dict(_row_filter(list_serializer if not first_only else child))
    if relation.one_to_many:
        related = relation.related_model
        parent_column = relation.field.attname
        base = prefetches.get(attrs[0])
        if base is None:
            base = related._default_manager.all()
        plan = compile_plan(child, related, base)
        prefix = ""
    elif relation.many_to_many and relation.concrete and attrs[0] not in prefetches:
        # Through the join table: (parent, related) pairs in the related model's order.
        through = relation.remote_field.through
        source_name = relation.m2m_field_name()
        target_name = relation.m2m_reverse_field_name()
        parent_column = f"{source_name}_id"
        base = through._default_manager.all()
        plan = compile_plan(child, relation.related_model, None, prefix=f"{target_name}__")
        prefix = f"{target_name}__"
        row_filter = {prefix + key: value for key, value in row_filter.items()}
    else:
        raise Unplannable(f"{name}: unsupported relation {attrs[0]}")
    target = relation.related_model
    ordering = list(base.query.order_by or target._meta.ordering or [])
    ordering = [_prefixed(term, prefix) for term in ordering] + [f"{prefix}pk"]
    return _Many(
        name=name,
        relation=attrs[0],
        base=base,
        parent_column=parent_column,
        ordering=ordering,
        row_filter=row_filter,
        plan=plan,
        first_only=first_only,
    )


def _prefixed(term: Any, prefix: str) -> Any:
    if not prefix:
        return term
    if isinstance(term, str):
        sign, bare = ("-", term[1:]) if term.startswith("-") else ("", term)
        return f"{sign}{prefix}{bare}"
    raise Unplannable("an expression in a related model's ordering")


def compile_plan(
    serializer: serializers.BaseSerializer,
    model: type[models.Model],
    queryset: QuerySet | None,
    prefix: str = "",
) -> RowPlan:
    """The plan of `serializer` for rows of `model` (raises Unplannable)."""
    if isinstance(serializer, serializers.ListSerializer):
        serializer = serializer.child
    finalize = None
    if isinstance(serializer, FinalizedRowSerializer) and _plain(
        type(serializer), "to_representation", FinalizedRowSerializer
    ):
        finalize = type(serializer).finalize_row
    elif not _plain(type(serializer), "to_representation", serializers.Serializer):
        raise Unplannable(f"{type(serializer).__name__}: custom to_representation")
    prefetches = _prefetch_querysets(queryset)
    plan = RowPlan(finalize=finalize)
    for name, drf_field in serializer.fields.items():
        if drf_field.write_only:
            continue
        if isinstance(drf_field, FinalizedByRow):
            plan.nodes.append(_Finalized(name, [], True))
            continue
        if isinstance(drf_field, serializers.ListSerializer):
            list_class = type(drf_field)
            if list_class is not serializers.ListSerializer and not (
                issubclass(list_class, FilteredListSerializer)
                and _plain(list_class, "to_representation", FilteredListSerializer)
            ):
                raise Unplannable(f"{name}: custom list serializer")
            if prefix:
                raise Unplannable(f"{name}: a nested list inside a nested object")
            plan.nodes.append(
                _many(name, drf_field, drf_field.child, model, prefetches, first_only=False)
            )
        elif isinstance(drf_field, FirstMatchSerializer):
            if prefix:
                raise Unplannable(f"{name}: a nested list inside a nested object")
            plan.nodes.append(_many(name, drf_field, drf_field, model, prefetches, True))
        elif isinstance(drf_field, serializers.BaseSerializer):
            if not _plain(type(drf_field), "get_attribute", Field):
                raise Unplannable(f"{name}: custom get_attribute")
            if drf_field.source == "*":
                inner = compile_plan(drf_field, model, None, prefix=prefix)
                plan.nodes.append(_One(name, [], False, None, inner))
                plan.paths.extend(inner.paths)
                continue
            guards, path, last = _walk(model, drf_field.source_attrs)
            if not last.is_relation or last.many_to_many or last.one_to_many:
                raise Unplannable(f"{name}: a nested object over a non-relation")
            inner = compile_plan(drf_field, last.related_model, None, prefix=f"{prefix}{path}__")
            pk_path = f"{prefix}{path}__pk"
            node_guards = [_Guard(prefix + g.path, g.raises) for g in guards]
            plan.nodes.append(_One(name, node_guards, drf_field.allow_null, pk_path, inner))
            plan.paths.extend([*(g.path for g in node_guards), pk_path, *inner.paths])
        else:
            node = _scalar(name, drf_field, model, prefix)
            plan.nodes.append(node)
            plan.paths.extend([*(g.path for g in node.guards), node.path])
    plan.paths = list(dict.fromkeys(p for p in plan.paths if p != "pk"))
    return plan


_PLANS: dict[tuple, RowPlan | None] = {}
MAX_PLANS = 1024  # a bound, should some view build its prefetches from request values


def _query_key(query) -> bytes | str:
    """An exact key of a prefetch's query: its pickle (what Django pickles to cache a
    queryset's query), about 10× cheaper than compiling it to SQL; the SQL when it will not
    pickle. Equal keys are equal queries; equal queries built differently only cost a plan."""
    try:
        return pickle.dumps(query, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return str(query)


def plan_for(serializer: serializers.BaseSerializer, queryset: QuerySet) -> RowPlan | None:
    """The (cached) plan of a serializer for a queryset's rows, or None if DRF must do it."""
    key = (
        type(
            serializer.child if isinstance(serializer, serializers.ListSerializer) else serializer
        ),
        queryset.model,
        tuple(
            (lookup.prefetch_to, _query_key(lookup.queryset.query))
            if isinstance(lookup, Prefetch) and lookup.queryset is not None
            else str(lookup)
            for lookup in queryset._prefetch_related_lookups
        ),
    )
    if key not in _PLANS:
        if len(_PLANS) >= MAX_PLANS:
            _PLANS.clear()
        try:
            _PLANS[key] = compile_plan(serializer, queryset.model, queryset)
        except Unplannable:
            _PLANS[key] = None
    return _PLANS[key]


def iter_serialized(
    serializer: serializers.BaseSerializer, queryset: QuerySet, chunk_size: int = 500
) -> Iterable[Mapping[str, Any]]:
    """Every row of a queryset as the serializer writes it: planned when possible, else DRF
    in chunks (prefetches per chunk). Either way read with a server-side cursor."""
    plan = plan_for(serializer, queryset)
    if plan is not None:
        return plan.iter_rows(queryset, chunk_size=chunk_size)
    if not isinstance(serializer, serializers.ListSerializer):
        raise TypeError("iter_serialized takes a many=True serializer")
    objects = _streamed(queryset, chunk_size)
    chunks = iter(lambda: list(islice(objects, chunk_size)), [])
    return (row for chunk in chunks for row in serializer.to_representation(chunk))
