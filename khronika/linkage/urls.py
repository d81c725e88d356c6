from django.urls import path

from khronika.linkage import views

# Incident links use the same views as person links; ``subject`` tells them which.
INCIDENTS = {"subject": "incidents"}

app_name = "linkage"
urlpatterns = [
    path("review/", views.review_next, name="review"),
    path("review/<uuid:link_id>/decide/", views.review_decide, name="decide"),
    path("review/<uuid:link_id>/reveal/", views.review_reveal, name="reveal"),
    path("merges/", views.merge_list, name="merges"),
    path("merges/<uuid:link_id>/undo/", views.merge_undo, name="undo"),
    path("incidents/review/", views.review_next, INCIDENTS, name="incident_review"),
    path("incidents/review/<uuid:link_id>/decide/", views.review_decide, INCIDENTS, name="incident_decide"),
    path("incidents/review/<uuid:link_id>/reveal/", views.review_reveal, INCIDENTS, name="incident_reveal"),
    path("incidents/merges/", views.merge_list, INCIDENTS, name="incident_merges"),
    path("incidents/merges/<uuid:link_id>/undo/", views.merge_undo, INCIDENTS, name="incident_undo"),
    path("runs/start/", views.run_start, name="run_start"),
]
