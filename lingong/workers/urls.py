from django.urls import path

from . import views

app_name = "workers"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("me/", views.me, name="me"),
    path("me/edit/", views.edit_me, name="edit_me"),
    path("me/data/", views.my_data, name="my_data"),
    path("me/consent/", views.consent, name="consent"),
    path("me/erase/", views.erase_me, name="erase_me"),
    path("walk-in/", views.walk_in, name="walk_in"),
    path("hardship-queue/", views.hardship_queue, name="hardship_queue"),
    path("", views.worker_list, name="list"),
    path("w/<str:code>/", views.detail, name="detail"),
    path("w/<str:code>/edit/", views.staff_edit, name="staff_edit"),
    path("w/<str:code>/slip/", views.slip, name="slip"),
    path("w/<str:code>/hardship/", views.record_hardship, name="record_hardship"),
]
