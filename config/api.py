"""The analysts' API under /api/v1/: every app's routes, the schema and its offline docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from clusters.api.urls import routes as cluster_routes
from common.api.schema_view import CachedSchemaView
from extraction.api.urls import urlpatterns as extraction_urlpatterns
from funding.api.urls import routes as funding_routes
from funding.api.urls import urlpatterns as funding_urlpatterns
from history.api.views import ChangeListView
from regions.api.urls import routes as region_routes

app_name = "api"

router = DefaultRouter()
for prefix, viewset, basename in [*region_routes, *cluster_routes, *funding_routes]:
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("", include(router.urls)),
    *funding_urlpatterns,
    *extraction_urlpatterns,
    path("changes/", ChangeListView.as_view(), name="changes"),
    # Generated once per process (common/api/schema_view.py).
    path("schema/", CachedSchemaView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script under the CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
