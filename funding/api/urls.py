from django.urls import path

from funding.api.views import FundingLineViewSet, StatsView

# (prefix, viewset, basename) — registered under /api/v1/ by config/api.py.
routes = [
    ("funding-lines", FundingLineViewSet, "funding-line"),
]

urlpatterns = [
    path("stats/", StatsView.as_view(), name="stats"),
]
