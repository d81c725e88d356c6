from django.urls import path

from khronika.aid import document_views, relative_views, views

app_name = "aid"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<uuid:case_id>/edit/", views.case_edit, name="case_edit"),
    path("cases/<uuid:case_id>/team/", views.members, name="members"),
    path("cases/<uuid:case_id>/interventions/new/", views.intervention_add, name="intervention_add"),
    path(
        "cases/<uuid:case_id>/interventions/<uuid:intervention_id>/edit/",
        views.intervention_edit,
        name="intervention_edit",
    ),
    path("cases/<uuid:case_id>/verification/new/", views.verification_add, name="verification_add"),
    path("cases/<uuid:case_id>/tasks/new/", views.task_add, name="task_add"),
    path("cases/<uuid:case_id>/tasks/<uuid:task_id>/done/", views.task_done, name="task_done"),
    path("cases/<uuid:case_id>/detention/new/", views.detention_add, name="detention_add"),
    path("cases/<uuid:case_id>/evacuation-note/", views.evacuation_note, name="evacuation_note"),
    path("cases/<uuid:case_id>/detention/<uuid:event_id>/edit/", views.detention_edit, name="detention_edit"),
    path("cases/<uuid:case_id>/inquiries/new/", views.inquiry_add, name="inquiry_add"),
    path("cases/<uuid:case_id>/inquiries/<uuid:inquiry_id>/edit/", views.inquiry_edit, name="inquiry_edit"),
    path("cases/<uuid:case_id>/documents/", document_views.documents, name="documents"),
    path("cases/<uuid:case_id>/documents/<slug:kind>/", document_views.letter, name="letter"),
    path("cases/<uuid:case_id>/summary.pdf", document_views.case_summary, name="case_summary"),
    path("cases/<uuid:case_id>/relatives/", relative_views.manage, name="relatives"),
]

# The relative's status page: public, mounted at /status/ by khronika/urls.py.
status_urlpatterns = [
    path("<str:language>/", relative_views.status, name="status"),
]
