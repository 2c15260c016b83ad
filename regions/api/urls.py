from regions.api.views import FederalDistrictViewSet, RegionViewSet

# (prefix, viewset, basename) — registered under /api/v1/ by config/api.py.
routes = [
    ("federal-districts", FederalDistrictViewSet, "federal-district"),
    ("regions", RegionViewSet, "region"),
]
