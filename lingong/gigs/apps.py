from django.apps import AppConfig


class GigsConfig(AppConfig):
    name = "lingong.gigs"
    label = "gigs"
    verbose_name = "零工岗位"
