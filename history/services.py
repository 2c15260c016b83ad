from django.db import models

from history.tracked import TRACKED

INITIAL_REASON = "начальная запись: данные загружены"


def history_record_initial(
    *, models_: list[type[models.Model]] | None = None, reason: str = INITIAL_REASON
) -> int:
    """Give every object that has no history row a first («+») one, holding its values.

    Seeded and imported data are written without history (fixtures load raw, imports may
    bulk-create); with this first row, the first edit shows what it replaced. Writes one
    history row per such object; objects that already have history are left alone, so
    running it twice writes nothing. Returns the number of rows written.
    """
    written = 0
    for model in models_ or TRACKED:
        missing = list(model._base_manager.exclude(pk__in=model.history.values("id")))
        if missing:
            model.history.bulk_history_create(missing, default_change_reason=reason)
            written += len(missing)
    return written
