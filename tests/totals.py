"""Fill the stored funding totals for page tests, the way the site does: with the service."""

from funding.services import funding_totals_recompute_all


def recompute_totals() -> None:
    funding_totals_recompute_all()
