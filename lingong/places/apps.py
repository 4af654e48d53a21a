from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "lingong.places"
    label = "places"
    verbose_name = "镇街与站点"
