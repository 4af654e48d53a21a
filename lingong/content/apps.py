from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "lingong.content"
    label = "content"
    verbose_name = "政策资讯、一体机与零工橱窗"
