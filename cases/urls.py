from django.urls import path

from cases import views
from cases.absence import urls as absence_urls
from cases.insatser import urls as insats_urls
from cases.placements import urls as placement_urls
from cases.sip import urls as sip_urls

app_name = "cases"
urlpatterns = [
    path("", views.student_list, name="student_list"),
    path("new/", views.student_create, name="student_create"),
    path("<int:pk>/", views.student_detail, name="student_detail"),
]

urlpatterns += sip_urls.urlpatterns
urlpatterns += placement_urls.urlpatterns + absence_urls.urlpatterns
urlpatterns += insats_urls.urlpatterns
