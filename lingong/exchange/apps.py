from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "lingong.exchange"
    label = "exchange"
    verbose_name = "岗位交换"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the provincial push to gig changes
