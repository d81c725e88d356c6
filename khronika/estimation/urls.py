from django.urls import path

from khronika.estimation import views

app_name = "estimation"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("run/", views.run_now, name="run"),
    path("<uuid:estimate_id>/publish/", views.publish_view, name="publish"),
    path("<uuid:estimate_id>/unpublish/", views.unpublish_view, name="unpublish"),
]
