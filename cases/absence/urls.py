from django.urls import path

from cases.absence import views

urlpatterns = [
    path("<int:pk>/absence/new/", views.absence_new, name="absence_new"),
    path("absence/import/", views.absence_import, name="absence_import"),
    path(
        "<int:pk>/absence-investigations/new/",
        views.investigation_new,
        name="absence_investigation_new",
    ),
    path(
        "absence-investigations/<int:pk>/close/",
        views.investigation_close,
        name="absence_investigation_close",
    ),
]
