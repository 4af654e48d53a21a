from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.courses, name="courses"),
    path("shortages/", views.shortages, name="shortages"),
    path("mine/", views.mine, name="mine"),
    path("desk/", views.desk, name="desk"),
    path("new/", views.course_edit, name="course_new"),
    path("refer/<str:code>/", views.refer, name="refer"),
    path("r/<str:code>/", views.referral_detail, name="referral"),
    path("c/<str:code>/", views.course_detail, name="course"),
    path("c/<str:code>/edit/", views.course_edit, name="course_edit"),
    path("c/<str:code>/request/", views.request_course, name="request"),
]
