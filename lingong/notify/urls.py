from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("local-sms/", views.local_sms, name="local_sms"),
]
