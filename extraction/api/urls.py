from django.urls import path

from extraction.api.views import ExtractView

# Plain paths (not a router): included under /api/v1/ by config/api.py.
urlpatterns = [
    path("extract/", ExtractView.as_view(), name="extract"),
]
