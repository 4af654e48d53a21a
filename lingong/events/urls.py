from django.urls import path

from . import views, views_manage

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("manage/", views_manage.manage_list, name="manage_list"),
    path("manage/new/", views_manage.event_new, name="new"),
    path("<str:code>/", views.event_detail, name="detail"),
    path("<str:code>/signup/", views.signup, name="signup"),
    path("<str:code>/signup/cancel/", views.cancel_signup, name="cancel_signup"),
    path("<str:code>/qr.svg", views.qr_code, name="qr"),
    path("<str:code>/poster/", views.poster, name="poster"),
    path("<str:code>/manage/", views_manage.event_manage, name="manage"),
    path("<str:code>/edit/", views_manage.event_edit, name="edit"),
    path("<str:code>/status/", views_manage.event_status, name="status"),
    path("<str:code>/employers/", views_manage.add_employer, name="add_employer"),
    path("<str:code>/employers/<str:employer_code>/", views_manage.employer_gigs, name="employer_gigs"),
    path("<str:code>/walk-in/", views_manage.walk_in, name="walk_in"),
    path("<str:code>/signups/<str:signup_code>/check-in/", views_manage.check_in, name="check_in"),
    path("<str:code>/outcomes/", views_manage.outcome, name="outcome"),
]
