from django.contrib.sitemaps.views import index, sitemap
from django.urls import path

from common import views
from common.sitemaps import SITEMAPS

app_name = "common"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("open-data/", views.OpenDataView.as_view(), name="open_data"),
    path("robots.txt", views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "common:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
]
