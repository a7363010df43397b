from django.urls import path

from portal.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.search, name="search"),
    path("export.csv", views.export, name="export"),
    path("flags/", views.flags, name="flags"),
    path("pupil/<int:pk>/", views.pupil_history, name="pupil_history"),
    path("pupil/<int:pk>/report/", views.personal_data_report, name="personal_data_report"),
    path("request/<str:cid>/", views.request_detail, name="request"),
]
