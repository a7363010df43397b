from django.urls import path

from referrals import views
from referrals.information_requests import urls as information_request_urls

app_name = "referrals"
urlpatterns = [
    # The school side.
    path("new/", views.concern_start, name="concern_start"),
    path("new/<uuid:token>/", views.concern_write, name="concern_write"),
    path("new/<uuid:token>/autosave/", views.concern_autosave, name="concern_autosave"),
    path("new/<uuid:token>/discard/", views.concern_draft_discard, name="concern_draft_discard"),
    path("mine/", views.concern_mine, name="concern_mine"),
    path("<int:pk>/", views.concern_detail, name="concern_detail"),
    path("<int:pk>/amend/", views.concern_amend, name="concern_amend"),
    path("suspensions/", views.suspension_list, name="suspension_list"),
    path("suspensions/new/", views.suspension_new, name="suspension_new"),
    # The social side.
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/register/", views.concern_register, name="concern_register"),
    path("case/<int:pk>/", views.case, name="case"),
    path("case/<int:pk>/assign/", views.case_assign, name="case_assign"),
    path("case/<int:pk>/protection/", views.case_protection, name="case_protection"),
    path("case/<int:pk>/extend/", views.case_extend, name="case_extend"),
    path("case/<int:pk>/decide/", views.case_decide, name="case_decide"),
    path("case/<int:pk>/meeting/", views.case_meeting, name="case_meeting"),
    path("case/<int:pk>/meeting/skip/", views.case_meeting_skip, name="case_meeting_skip"),
    path("case/<int:pk>/meeting/notes/", views.case_meeting_notes, name="case_meeting_notes"),
    path("investigation/<int:pk>/extend/", views.investigation_extend, name="investigation_extend"),
    path("investigation/<int:pk>/close/", views.investigation_close, name="investigation_close"),
    path("notices/<int:pk>/read/", views.notice_read, name="notice_read"),
]

urlpatterns += information_request_urls.urlpatterns
