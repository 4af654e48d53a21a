from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("stations/", views.finder, name="finder"),
    path("stations/<str:code>/", views.detail, name="detail"),
    path("stations/<str:code>/qr.svg", views.qr_code, name="qr"),
    path("directory/", views.directory, name="directory"),
    path("directory/compliant/", views.directory, {"compliant_only": True}, name="compliant"),
    path("manage/stations/", views.manage, name="manage"),
    path("manage/stations/new/", views.station_new, name="new"),
    path("manage/stations/<str:code>/edit/", views.station_edit, name="edit"),
    path("manage/coverage/", views.coverage, name="coverage"),
]
