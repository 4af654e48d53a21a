from django.urls import path

from . import views_browse, views_manage, views_post, views_work

app_name = "gigs"
urlpatterns = [
    path("", views_browse.browse, name="browse"),
    path("new/", views_post.new, name="new"),
    path("review/", views_post.review_queue, name="review"),
    path("mine/", views_manage.mine, name="mine"),
    path("me/", views_work.me, name="me"),
    path("rules/", views_work.rules, name="rules"),
    path("checkin/<str:code>/<int:n>/", views_work.checkin, name="checkin"),
    path("<str:code>/", views_browse.detail, name="detail"),
    path("<str:code>/actions/", views_work.actions, name="actions"),
    path("<str:code>/edit/", views_post.edit, name="edit"),
    path("<str:code>/posted/", views_post.posted, name="posted"),
    path("<str:code>/manage/", views_manage.manage, name="manage"),
    path("<str:code>/shifts/<int:n>/attendance/", views_manage.attendance_page, name="attendance"),
    path("<str:code>/bookings/<str:app_code>/", views_manage.booking_page, name="booking"),
]
