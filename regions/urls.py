from django.urls import path

from regions import views

app_name = "regions"

urlpatterns = [
    path("regions/", views.RegionListView.as_view(), name="list"),
    path("regions/<slug:slug>/", views.RegionDetailView.as_view(), name="detail"),
    path("districts/<str:code>/", views.FederalDistrictDetailView.as_view(), name="district"),
]
