from django.urls import path

from . import views, views_complaints, views_referrals

app_name = "rights"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("employer/", views.employer_cases, name="employer"),
    path("arrears/", views.arrears_list, name="arrears_list"),
    path("arrears/<str:code>/", views.arrears_detail, name="arrears_detail"),
    path("complaints/", views_complaints.complaint_list, name="complaint_list"),
    path("complaints/new/", views_complaints.complaint_new, name="complaint_new"),
    path("complaints/<str:code>/", views_complaints.complaint_detail, name="complaint_detail"),
    path(
        "complaints/<str:code>/evidence/<str:evidence_code>/",
        views_complaints.evidence,
        name="evidence",
    ),
    path("insurance/", views_complaints.insurance_page, name="insurance"),
    path("referrals/", views_referrals.referral_list, name="referral_list"),
]
