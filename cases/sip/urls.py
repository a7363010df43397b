from django.urls import path

from cases.sip import views

urlpatterns = [
    path("sip/", views.sip_list, name="sip_list"),
    path("<int:student_pk>/sip/start/", views.sip_start, name="sip_start"),
    path("sip/<int:pk>/", views.sip_detail, name="sip_detail"),
    path("sip/<int:pk>/version/", views.sip_version, name="sip_version"),
    path("sip/<int:pk>/participants/", views.sip_participant, name="sip_participant"),
    path("sip/<int:pk>/activate/", views.sip_activate, name="sip_activate"),
    path("sip/<int:pk>/escalate/", views.sip_escalate, name="sip_escalate"),
    path("sip/<int:pk>/close/", views.sip_close, name="sip_close"),
    path("sip/<int:pk>/meetings/", views.sip_meeting, name="sip_meeting"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/respond/", views.meeting_respond, name="meeting_respond"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
]
