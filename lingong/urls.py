from django.urls import include, path

from lingong.accounts import views as account_views
from lingong.api.main import api

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("lingong.accounts.urls")),
    path("", include("lingong.places.urls")),
    path("occupations/", include("lingong.catalog.urls")),
    path("workers/", include("lingong.workers.urls")),
    path("employers/", include("lingong.employers.urls")),
    path("notify/", include("lingong.notify.urls")),
    path("", include("lingong.screening.urls")),
    path("gigs/", include("lingong.gigs.urls")),
    path("matching/", include("lingong.matching.urls")),
    path("rights/", include("lingong.rights.urls")),
    path("programme/", include("lingong.programme.urls")),
    path("monitoring/", include("lingong.monitoring.urls")),
    path("reports/", include("lingong.monitoring.urls_reports")),
    path("ledger/", include("lingong.ledger.urls")),
    path("", include("lingong.content.urls")),
    path("kiosk/", include("lingong.content.kiosk_urls")),
    path("events/", include("lingong.events.urls")),
    path("training/", include("lingong.training.urls")),
    path("assistance/", include("lingong.assistance.urls")),
    path("exchange/", include("lingong.exchange.urls")),
    path("api/v1/", api.urls),
]
