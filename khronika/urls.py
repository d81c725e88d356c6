from django.contrib import admin
from django.urls import include, path

from khronika.aid.urls import status_urlpatterns
from khronika.checkins import urls as checkin_urls
from khronika.intake.urls import public_urlpatterns, staff_urlpatterns
from khronika.publishing.urls import public_urlpatterns as figures_urlpatterns
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
    path("", include("khronika.safety.urls")),
    path("status/", include((status_urlpatterns, "status"))),
    path("worker/", include("khronika.worker.urls")),
    path("monitoring/", include("khronika.monitoring.urls")),
    path("linkage/", include("khronika.linkage.urls")),
    path("check-in/", include((checkin_urls.public_urlpatterns, "checkin"))),
    path("checkins/", include((checkin_urls.staff_urlpatterns, "checkins"))),
    path("publishing/", include("khronika.publishing.urls")),
    path("estimation/", include("khronika.estimation.urls")),
    path("figures/", include((figures_urlpatterns, "figures"))),
    path("admin/", admin.site.urls),
]
