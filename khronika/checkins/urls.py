from django.urls import path

from khronika.checkins import public_views, staff_views

# The person's pages live under /check-in/ (reachable while the vault is sealed:
# VAULT_SEALED_ALLOWED_PREFIXES); the staff form under /checkins/, behind login and unseal.
public_urlpatterns = [
    path("<str:language>/", public_views.start, name="start"),
    path("<str:language>/code/", public_views.enter_code, name="code"),
]

staff_urlpatterns = [
    path("new/", staff_views.new_checkin, name="new"),
]
