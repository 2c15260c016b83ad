from django.urls import path

from clusters import views

app_name = "clusters"

urlpatterns = [
    path("clusters/", views.ClusterListView.as_view(), name="list"),
    path("clusters/<slug:slug>/", views.ClusterDetailView.as_view(), name="detail"),
    path("industries/", views.IndustryListView.as_view(), name="industries"),
    path("industries/<slug:slug>/", views.IndustryDetailView.as_view(), name="industry"),
    path("colleges/", views.CollegeListView.as_view(), name="colleges"),
    path("employers/", views.EmployerListView.as_view(), name="employers"),
    path("colleges/<int:pk>/", views.CollegeDetailView.as_view(), name="college"),
    path("employers/<int:pk>/", views.EmployerDetailView.as_view(), name="employer"),
]
