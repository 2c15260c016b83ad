from clusters.api.views import (
    ClusterCollegeViewSet,
    ClusterEmployerViewSet,
    ClusterViewSet,
    CollegeViewSet,
    EmployerViewSet,
    IndustryViewSet,
    ProgrammeViewSet,
)

# (prefix, viewset, basename) — registered under /api/v1/ by config/api.py.
routes = [
    ("industries", IndustryViewSet, "industry"),
    ("programmes", ProgrammeViewSet, "programme"),
    ("colleges", CollegeViewSet, "college"),
    ("employers", EmployerViewSet, "employer"),
    ("clusters", ClusterViewSet, "cluster"),
    ("cluster-colleges", ClusterCollegeViewSet, "cluster-college"),
    ("cluster-employers", ClusterEmployerViewSet, "cluster-employer"),
]
