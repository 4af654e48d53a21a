"""Monthly and quarterly reports, their archive, and typical cases proposed for publication."""

from django.urls import path

from . import views_reports

app_name = "reports"
urlpatterns = [
    path("", views_reports.archive, name="archive"),
    path("cases/", views_reports.case_list, name="cases"),
    path("cases/<str:code>/", views_reports.case_detail, name="case"),
    path("<str:code>/", views_reports.detail, name="detail"),
    path("<str:code>/xlsx", views_reports.xlsx, name="xlsx"),
    path("<str:code>/pdf", views_reports.pdf, name="pdf"),
]
