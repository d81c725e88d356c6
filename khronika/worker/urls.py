from django.urls import path

from khronika.worker import views

app_name = "worker"
urlpatterns = [
    path("failures/", views.failures, name="failures"),
    path("failures/retry/", views.retry, name="retry"),
]
