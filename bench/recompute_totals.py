"""Fill the stored funding totals of the bench database, if the totals services exist yet."""

import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    django.setup()
    try:
        from funding.services import funding_totals_recompute_all
    except ImportError:
        print("funding totals services not available: totals left empty")
        return
    funding_totals_recompute_all()
    print("funding totals recomputed")


if __name__ == "__main__":
    main()
