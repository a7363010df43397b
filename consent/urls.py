from django.urls import path

from consent import views

app_name = "consent"
urlpatterns = [
    path("pupil/<int:student_pk>/new/", views.consent_new, name="consent_new"),
    path("pupil/<int:student_pk>/override/", views.override_new, name="override_new"),
    path("<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/document/", views.consent_document, name="consent_document"),
    path("overrides/", views.override_list, name="override_list"),
    path("prompts/", views.consent_prompt_list, name="prompt_list"),
    path("pupil/<int:student_pk>/prepared-form/", views.consent_prompt_form, name="prompt_form"),
]
