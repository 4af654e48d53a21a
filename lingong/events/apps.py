from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "lingong.events"
    label = "events"
    verbose_name = "招聘活动"
