from django.urls import path

from khronika.records import (
    deletion_views,
    evidence_views,
    export_approval_views,
    export_views,
    import_views,
    views,
)

app_name = "records"
urlpatterns = [
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/new/", views.incident_create, name="incident_create"),
    path("incidents/export/", export_views.incident_export, name="incident_export"),
    path("exports/plaintext/", export_approval_views.approval_list, name="export_approvals"),
    path(
        "exports/plaintext/<uuid:approval_id>/approve/",
        export_approval_views.approval_approve,
        name="export_approval_approve",
    ),
    path("import/", import_views.import_upload, name="import_upload"),
    path("import/columns/", import_views.import_columns, name="import_columns"),
    path("import/confirm/", import_views.import_confirm, name="import_confirm"),
    path("import/cancel/", import_views.import_cancel, name="import_cancel"),
    path("incidents/<uuid:incident_id>/", views.incident_detail, name="incident_detail"),
    path("incidents/<uuid:incident_id>/edit/", views.incident_edit, name="incident_edit"),
    path("incidents/<uuid:incident_id>/evidence/", evidence_views.evidence_add, name="evidence_add"),
    path("evidence/<uuid:evidence_id>/", evidence_views.evidence_download, name="evidence_download"),
    path("incidents/<uuid:incident_id>/delete/", deletion_views.incident_delete, name="incident_delete"),
    path("people/<uuid:person_id>/delete/", deletion_views.person_delete, name="person_delete"),
    path("evidence/<uuid:evidence_id>/delete/", deletion_views.evidence_delete, name="evidence_delete"),
    path("people/<uuid:person_id>/", views.person_detail, name="person_detail"),
    path("people/<uuid:person_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<uuid:person_id>/reveal/", views.person_reveal, name="person_reveal"),
    path("people/<uuid:person_id>/consent/", views.consent_add, name="consent_add"),
]
