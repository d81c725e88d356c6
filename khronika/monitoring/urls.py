from django.urls import path

from khronika.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<uuid:candidate_id>/", views.candidate_detail, name="candidate"),
    path("<uuid:candidate_id>/accept/", views.accept, name="accept"),
    path("<uuid:candidate_id>/link/", views.link, name="link"),
    path("<uuid:candidate_id>/reject/", views.reject, name="reject"),
]
