from django.apps import AppConfig


class WorkersConfig(AppConfig):
    name = "lingong.workers"
    label = "workers"
    verbose_name = "零工与求职者"
