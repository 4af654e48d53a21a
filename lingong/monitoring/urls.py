"""Dashboard, big screen and directory health (reports and typical cases: urls_reports.py)."""

from django.urls import path

from . import views, views_health

app_name = "monitoring"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("screen/", views.screen, name="screen"),
    path("health/", views_health.health, name="health"),
]
