from django.urls import path

from portal.forums import views

app_name = "forums"
urlpatterns = [
    path("", views.forum_list, name="list"),
    path("new/", views.forum_new, name="new"),
    path("<int:pk>/", views.forum_detail, name="detail"),
    path("<int:pk>/members/new/", views.member_add, name="member_add"),
    path("<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/agreements/new/", views.agreement_new, name="agreement_new"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
]
