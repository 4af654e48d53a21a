from django.urls import path

from . import views, views_coverage, views_funds

app_name = "programme"
urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("stations/<str:code>/", views.station_page, name="station"),
    path("funds/", views_funds.funds_page, name="funds"),
    path("funds/expenditures/", views_funds.expenditure_list, name="expenditures"),
    path("funds/expenditures/new/", views_funds.expenditure_new, name="expenditure_new"),
    path("funds/expenditures/<str:code>/", views_funds.expenditure_detail, name="expenditure"),
    path("funds/expenditures/<str:code>/voucher/", views_funds.voucher, name="voucher"),
    path("funds/adjustments/", views_funds.adjustments, name="adjustments"),
    path("funds/towns/<str:town_code>/", views_funds.town_funds, name="town_funds"),
    path("coverage/", views_coverage.coverage_page, name="coverage"),
    path("coverage/candidates/<str:code>/off/", views_coverage.candidate_off, name="candidate_off"),
]
