from django.urls import path

from . import views, views_partners, views_reports

app_name = "ledger"
urlpatterns = [
    path("", views.entry, name="entry"),
    path("workers/", views.worker_search, name="worker_search"),
    path("e/<str:code>/edit/", views.edit, name="edit"),
    path("e/<str:code>/void/", views.void, name="void"),
    path("day/", views_reports.day, name="day"),
    path("month/", views_reports.month, name="month"),
    path("town/", views_reports.town, name="town"),
    path("city/", views_reports.city, name="city"),
    path("partners/", views_partners.partner_list, name="partners"),
    path("partners/new/", views_partners.partner_new, name="partner_new"),
    path("partners/<str:code>/", views_partners.partner_detail, name="partner_detail"),
    path("partners/<str:code>/edit/", views_partners.partner_edit, name="partner_edit"),
]
