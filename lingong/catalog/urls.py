from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("suggest", views.suggest, name="suggest"),
    path("synonyms/", views.synonyms, name="synonyms"),
    path("synonyms/toggle/", views.synonym_toggle, name="synonym_toggle"),
    path("<str:code>/", views.detail, name="detail"),
]
