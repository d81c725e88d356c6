from django.urls import path

from khronika.vault import views

app_name = "vault"
urlpatterns = [
    path("panic/", views.panic_button, name="panic"),
]
