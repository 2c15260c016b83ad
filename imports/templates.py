"""The import templates a clerk downloads: the header, one example row (left in the file, it
is not imported), and the values each column allows — on a second sheet, and as drop-down
lists in the XLSX (openpyxl data validation), so a typo is caught in Excel already."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from clusters.choices import ClusterKind, ClusterStatus, FigureKind
from common.qualifiers import Qualifier
from funding.choices import FundingSource
from imports.kinds import KINDS
from imports.kinds.clusters import IMPLIED_WORDS

VALIDATED_ROWS = 2000  # the rows of the sheet the drop-down lists cover
YES_NO = ["да", "нет"]


def allowed_values(kind: str) -> dict[str, list[str]]:
    """Column code → the values it allows (as a clerk types them), for this kind."""
    from clusters.models import Industry
    from regions.models import Region

    regions = list(Region.objects.order_by("name").values_list("name", flat=True))
    industries = list(Industry.objects.order_by("name").values_list("name", flat=True))
    labels = lambda choices: [str(label) for _code, label in choices.choices]  # noqa: E731
    by_code = {
        "region": regions,
        "industry": industries,
        "status": labels(ClusterStatus),
        "funding_source": labels(FundingSource),
        "qualifier": labels(Qualifier),
        "is_published": YES_NO,
        "tranche": YES_NO,
    }
    if kind == "clusters":
        by_code["kind"] = labels(ClusterKind)
        by_code["implied"] = sorted({w for w in IMPLIED_WORDS if not w.isascii()})
    elif kind == "funding":
        by_code["implied"] = YES_NO
    elif kind == "figures":
        by_code["kind"] = labels(FigureKind)
    columns = {c.code for c in KINDS[kind].columns}
    return {code: values for code, values in by_code.items() if code in columns}


def template_xlsx(kind: str, title: str) -> bytes:
    spec = KINDS[kind]
    allowed = allowed_values(kind)
    book = Workbook()
    sheet = book.active
    sheet.title = "Данные"
    sheet.append([c.label for c in spec.columns])
    sheet.append([spec.example.get(c.code, "") for c in spec.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="666666")
    sheet.freeze_panes = "A2"
    values = book.create_sheet("Допустимые значения")
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, min(60, len(column.label) + 4))
        if column.code not in allowed:
            continue
        target = values.max_column + 1 if values.max_row > 1 or values["A1"].value else 1
        target_letter = get_column_letter(target)
        values.cell(row=1, column=target, value=column.label).font = Font(bold=True)
        for row, value in enumerate(allowed[column.code], start=2):
            values.cell(row=row, column=target, value=value)
        values.column_dimensions[target_letter].width = 40
        last = len(allowed[column.code]) + 1
        rule = DataValidation(
            type="list",
            formula1=f"'Допустимые значения'!${target_letter}$2:${target_letter}${last}",
            allow_blank=True,
            showErrorMessage=column.code not in ("region", "implied"),
            errorTitle="Нет такого значения",
            error=f"Выберите значение из списка на листе «Допустимые значения» ({column.label}).",
        )
        sheet.add_data_validation(rule)
        rule.add(f"{letter}3:{letter}{VALIDATED_ROWS}")
    notes = book.create_sheet("Как заполнять")
    notes.append([f"Шаблон загрузки: {title}"])
    notes.append(["Строка 2 — пример: её можно оставить, она не загружается."])
    notes.append(
        ["Обязательные столбцы: " + ", ".join(c.label for c in spec.columns if c.required)]
    )
    notes.append(["Пустая ячейка ничего не меняет: чтобы исправить значение, впишите новое."])
    notes.append(["Субъект РФ — код (например, 60) или название; списки — через точку с запятой."])
    notes.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_csv(kind: str) -> bytes:
    """Header and example row, «;»-separated with a BOM: Russian Excel opens it in columns."""
    spec = KINDS[kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([c.label for c in spec.columns])
    writer.writerow([spec.example.get(c.code, "") for c in spec.columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
