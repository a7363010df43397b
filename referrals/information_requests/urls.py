from django.urls import path

from referrals.information_requests import views

urlpatterns = [
    path(
        "investigation/<int:pk>/request/",
        views.information_request_new,
        name="information_request_new",
    ),
    path("requests/", views.information_request_list, name="information_request_list"),
    path("requests/<int:pk>/", views.information_request_detail, name="information_request_detail"),
    path(
        "requests/<int:pk>/answer/",
        views.information_request_answer,
        name="information_request_answer",
    ),
    path(
        "requests/<int:pk>/assign/",
        views.information_request_assign,
        name="information_request_assign",
    ),
    path(
        "requests/attachments/<int:pk>/",
        views.information_attachment,
        name="information_attachment",
    ),
]
