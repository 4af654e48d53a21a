from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("for-you/", views.for_you, name="for_you"),
    path("gigs/<str:code>/candidates/", views.candidates, name="candidates"),
    path("gigs/<str:code>/invite/", views.invite, name="invite"),
    path("worker/<str:code>/", views.console, name="console"),
    path("dispatch/", views.dispatch, name="dispatch"),
]
