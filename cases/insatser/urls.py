from django.urls import path

from cases.insatser import views

urlpatterns = [
    path("<int:pk>/insatser/new/", views.insats_new, name="insats_new"),
    path("insatser/<int:pk>/edit/", views.insats_edit, name="insats_edit"),
    path("<int:pk>/joint-advice/", views.joint_advice_add, name="joint_advice_add"),
]
