from django.urls import path

from khronika.records import views

app_name = "records"
urlpatterns = [
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/new/", views.incident_create, name="incident_create"),
    path("incidents/<uuid:incident_id>/", views.incident_detail, name="incident_detail"),
    path("incidents/<uuid:incident_id>/edit/", views.incident_edit, name="incident_edit"),
    path("people/<uuid:person_id>/", views.person_detail, name="person_detail"),
    path("people/<uuid:person_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<uuid:person_id>/reveal/", views.person_reveal, name="person_reveal"),
    path("people/<uuid:person_id>/consent/", views.consent_add, name="consent_add"),
]
