from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "lingong.screening"
    label = "screening"
    verbose_name = "岗位审查"
