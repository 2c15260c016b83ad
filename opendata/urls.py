from django.urls import path

from opendata import views

app_name = "opendata"

urlpatterns = [
    path("open-data/files/<path:path>", views.open_data_file, name="file"),
]
