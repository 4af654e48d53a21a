"""Included at the site root: the live check under screening/, the rules under manage/ like the other
back-office pages."""

from django.urls import path

from . import views

app_name = "screening"
urlpatterns = [
    path("screening/check/", views.check, name="check"),
    path("manage/screening/rules/", views.rules, name="rules"),
    path("manage/screening/rules/try/", views.rule_try, name="rule_try"),
    path("manage/screening/rules/<str:code>/", views.rule_edit, name="rule_edit"),
    path("manage/screening/rules/<str:code>/toggle/", views.rule_toggle, name="rule_toggle"),
]
