from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Реестр «Профессионалитета»"
admin.site.site_title = "Реестр «Профессионалитета»"
admin.site.index_title = "Управление данными реестра"
# The cluster page needs the width (1280 px screens): the side menu stays on the index page.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api")),
    path("", include("overview.urls")),
    path("", include("clusters.urls")),
    path("", include("regions.urls")),
    path("", include("opendata.urls")),
]

# A crash answers in Russian: JSON under /api/, the site's own page elsewhere, built without
# the database or any context processor (overview/views.server_error).
handler500 = "overview.views.server_error"
