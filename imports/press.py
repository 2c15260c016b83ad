"""The real press sample (../shared/data/press-sample-clusters.csv) loaded through the import.

scripts/convert_press_sample.py turns it into the templates; they are imported with the
system as actor (full rights), all or nothing. Loading it again changes nothing.
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


def press_sample_load(*, csv_path: Path | None = None) -> str:
    """Convert and import the press sample; returns a one-line Russian report ("" if the
    file is absent). Raises RuntimeError (nothing written) if any row fails."""
    converter = _converter()
    source = csv_path or converter.DEFAULT_CSV
    if not Path(source).exists():
        return ""
    with tempfile.TemporaryDirectory() as out_dir:
        paths, stats = converter.convert_to(Path(out_dir), Path(source))
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
    counts = ", ".join(
        f"{name}: {c[RowStatus.NEW]} новых, {c[RowStatus.CHANGED]} изменено, "
        f"{c[RowStatus.UNCHANGED]} без изменений"
        for name, c in by_file.items()
    )
    return (
        f"{stats['clusters']} кластеров ({stats['draft clusters']} черновиков) в "
        f"{stats['regions']} субъектах, {stats['sources']} источников; {counts}"
    )
