from django.contrib.sitemaps.views import index, sitemap
from django.urls import path

from overview import feeds, views
from overview.sitemaps import SITEMAPS

app_name = "overview"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("open-data/", views.OpenDataView.as_view(), name="open_data"),
    path("completeness/", views.CompletenessView.as_view(), name="completeness"),
    path("feed/", feeds.ChangesFeed(), name="feed"),
    path("regions/<slug:slug>/feed/", feeds.RegionChangesFeed(), name="region_feed"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "sitemap.xml",
        index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "overview:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
]
