from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "lingong.assistance"
    label = "assistance"
    verbose_name = "职业测评与就业援助"

    def ready(self) -> None:
        # SMS templates register at import time of the module that sends them.
        from . import notices  # noqa: F401
