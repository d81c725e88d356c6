from django.urls import path

from khronika.linkage import views

app_name = "linkage"
urlpatterns = [
    path("review/", views.review_next, name="review"),
    path("review/<uuid:link_id>/decide/", views.review_decide, name="decide"),
    path("review/<uuid:link_id>/reveal/", views.review_reveal, name="reveal"),
    path("merges/", views.merge_list, name="merges"),
    path("merges/<uuid:link_id>/undo/", views.merge_undo, name="undo"),
    path("runs/start/", views.run_start, name="run_start"),
]
