from django.urls import path

from khronika.publishing import public_views, views

app_name = "publishing"

urlpatterns = [
    path("", views.release_list, name="release_list"),
    path("new/", views.release_create, name="release_create"),
    path("<uuid:release_id>/approve/", views.release_approve, name="release_approve"),
    path("<uuid:release_id>/download/", views.release_download, name="release_download"),
    path("<uuid:release_id>/withdraw/", views.release_withdraw, name="release_withdraw"),
]

public_urlpatterns = [
    path("<str:language>/", public_views.dashboard, name="dashboard"),
    path("<str:language>/report.pdf", public_views.report_pdf_view, name="report_pdf"),
]
