from django.urls import path

from khronika.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.ledger_list, name="ledger_list"),
    path("alerts/<int:alert_id>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
]
