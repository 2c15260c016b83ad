"""Real press items loaded through the import: the shared press sample
(../shared/data/press-sample-clusters.csv) and the project's own items (fixtures/press/*.csv).

scripts/convert_press_sample.py turns them into the templates, one import row per item row;
they are imported with the system as actor (full rights), all or nothing, and the import
merges rows on one cluster into one record citing every item. Loading again changes nothing.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
from collections import Counter
from pathlib import Path

from django.conf import settings

from imports.choices import RowStatus
from imports.services import import_part_read, import_run

CONVERTER = Path(settings.BASE_DIR) / "scripts" / "convert_press_sample.py"


def _converter():
    spec = importlib.util.spec_from_file_location("convert_press_sample", CONVERTER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def press_sample_load(*, csv_paths: list[Path] | None = None) -> str:
    """Convert and import the press items; returns a one-line Russian report ("" if there
    are none). Raises RuntimeError (nothing written) if any row fails."""
    converter = _converter()
    paths_in = [Path(p) for p in (csv_paths or converter.input_files()) if Path(p).exists()]
    if not paths_in:
        return ""
    with tempfile.TemporaryDirectory() as out_dir:
        paths, stats = converter.convert_to(Path(out_dir), paths_in)
        parts = [
            import_part_read(kind=path.stem, filename=path.name, content=path.read_bytes())
            for path in paths
        ]
    result = import_run(parts=parts, actor=None, commit=True)
    if result.has_errors:
        errors = [e for row in result.rows for e in row.get("errors", [])]
        raise RuntimeError("Пресс-выборка не загружена: " + "; ".join(errors[:10]))
    by_file: dict[str, Counter] = {}
    for row in result.rows:
        by_file.setdefault(row["file"], Counter())[row["status"]] += 1
        by_file[row["file"]]["conflicts"] += row["status"] == RowStatus.CONFLICT
    counts = ", ".join(
        f"{name}: {c[RowStatus.NEW]} новых, {c[RowStatus.CHANGED]} изменено, "
        f"{c[RowStatus.UNCHANGED]} без изменений"
        for name, c in by_file.items()
    )
    conflicts = sum(c["conflicts"] for c in by_file.values())
    return (
        f"{stats['cluster rows']} строк о кластерах из {stats['sources']} публикаций "
        f"({len(paths_in)} файла), {stats['clusters']} кластеров в {stats['regions']} "
        f"субъектах; расхождений: {conflicts}; {counts}"
    )
