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
    path("api/v1/", api.urls),
]
