"""Staff pages under /safety/, public pages under /warnings/<language>/, bucket answers under
/warnings/range/ (included at the site root, one namespace)."""

from django.urls import path

from khronika.safety import public_views, views

app_name = "safety"

urlpatterns = [
    path("safety/report/", views.report, name="report"),
    path("safety/", views.entries, name="entries"),
    path("safety/entries/<uuid:entry_id>/", views.entry_detail, name="entry_detail"),
    path("safety/entries/<uuid:entry_id>/decide/", views.decide, name="decide"),
    path("warnings/range/<str:key_id>/<str:prefix>/", public_views.bucket, name="range"),
    path("warnings/<str:language>/", public_views.warnings, name="warnings"),
    path("warnings/<str:language>/check/", public_views.check, name="check"),
]
