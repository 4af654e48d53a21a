from django.urls import path

from . import views_kiosk

app_name = "kiosk"
urlpatterns = [
    path("<str:code>/", views_kiosk.home, name="home"),
    path("<str:code>/led/", views_kiosk.led, name="led"),
    path("<str:code>/gigs/<str:gig_code>/", views_kiosk.gig, name="gig"),
    path("<str:code>/policies/", views_kiosk.policies, name="policies"),
    path("<str:code>/policies/<str:article_code>/", views_kiosk.policy, name="policy"),
    path("<str:code>/events/", views_kiosk.events, name="events"),
    path("<str:code>/reset/", views_kiosk.reset, name="reset"),
]
