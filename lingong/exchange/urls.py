from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("partners/", views.partners, name="partners"),
    path("partners/<str:code>/", views.partner, name="partner"),
    path("imports/", views.imports, name="imports"),
    path("imports/template.xlsx", views.template, name="template"),
    path("imports/<str:code>/", views.batch, name="batch"),
    path("imports/<str:code>/errors.xlsx", views.batch_errors, name="batch_errors"),
]
