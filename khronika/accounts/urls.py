from django.urls import path

from khronika.accounts import team_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("duress-password/", views.duress_password, name="duress_password"),
    path("team/", team_views.team_list, name="team_list"),
    path("team/<int:user_id>/", team_views.team_edit, name="team_edit"),
    path("team/<int:user_id>/sessions/end/", team_views.team_end_sessions, name="team_end_sessions"),
    path("team/<int:user_id>/exposure/", team_views.team_exposure, name="team_exposure"),
    path("team/<int:user_id>/revoke/", team_views.team_revoke, name="team_revoke"),
]
