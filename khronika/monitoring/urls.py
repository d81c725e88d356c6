from django.urls import path

from khronika.monitoring import source_views, views

app_name = "monitoring"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("sources/", source_views.sources, name="sources"),
    path("sources/import/", source_views.import_source, name="import_source"),
    path("sources/feeds/add/", source_views.feed_add, name="feed_add"),
    path("sources/feeds/<uuid:feed_id>/pause/", source_views.feed_pause, name="feed_pause"),
    path("sources/feeds/<uuid:feed_id>/resume/", source_views.feed_resume, name="feed_resume"),
    path("sources/feeds/<uuid:feed_id>/remove/", source_views.feed_remove, name="feed_remove"),
    path("imports/<uuid:report_id>/", source_views.import_report, name="import_report"),
    path("<uuid:candidate_id>/", views.candidate_detail, name="candidate"),
    path("<uuid:candidate_id>/accept/", views.accept, name="accept"),
    path("<uuid:candidate_id>/link/", views.link, name="link"),
    path("<uuid:candidate_id>/reject/", views.reject, name="reject"),
]
