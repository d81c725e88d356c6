from django.urls import path

from khronika.intake import public_views, staff_views

# Public pages live under /report/ (reachable while the vault is sealed: VAULT_SEALED_ALLOWED_PREFIXES);
# the staff inbox under /inbox/, behind login and unseal like every staff page.
public_urlpatterns = [
    path("", public_views.choose_language, name="choose_language"),
    path("<str:language>/", public_views.report, name="report"),
    path("<str:language>/return/", public_views.come_back, name="come_back"),
    path("<str:language>/return/message/", public_views.send_message, name="send_message"),
    path("<str:language>/staying-safe/", public_views.staying_safe, name="staying_safe"),
]

staff_urlpatterns = [
    path("", staff_views.inbox, name="inbox"),
    path("<uuid:submission_id>/", staff_views.submission_detail, name="submission"),
    path("<uuid:submission_id>/reply/", staff_views.reply, name="reply"),
    path("<uuid:submission_id>/status/", staff_views.change_status, name="status"),
    path("<uuid:submission_id>/revoke-phrase/", staff_views.revoke, name="revoke_phrase"),
    path("<uuid:submission_id>/delete/", staff_views.delete, name="delete"),
    path("<uuid:submission_id>/record/", staff_views.record_as_incident, name="record"),
    path("<uuid:submission_id>/aid-case/", staff_views.open_aid_case, name="open_aid_case"),
    path("<uuid:submission_id>/files/<uuid:attachment_id>/", staff_views.download, name="file"),
]
