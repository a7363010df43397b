from django.urls import path

from cases.placements import views

urlpatterns = [
    path("placements/", views.placement_list, name="placement_list"),
    path("<int:pk>/placements/new/", views.placement_new, name="placement_new"),
    path("placements/<int:pk>/decide/", views.placement_decide, name="placement_decide"),
    path("placements/<int:pk>/start/", views.placement_start, name="placement_start"),
    path("placements/<int:pk>/end/", views.placement_end, name="placement_end"),
]
