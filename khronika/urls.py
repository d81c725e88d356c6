from django.contrib import admin
from django.urls import include, path

from khronika.intake.urls import public_urlpatterns, staff_urlpatterns
from khronika.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("accounts/", include("khronika.accounts.urls")),
    path("records/", include("khronika.records.urls")),
    path("ledger/", include("khronika.ledger.urls")),
    path("vault/", include("khronika.vault.urls")),
    path("report/", include((public_urlpatterns, "intake"))),
    path("inbox/", include((staff_urlpatterns, "inbox"))),
    path("aid/", include("khronika.aid.urls")),
    path("worker/", include("khronika.worker.urls")),
    path("admin/", admin.site.urls),
]
