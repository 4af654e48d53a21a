from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "lingong.training"
    label = "training"
    verbose_name = "职业技能培训"

    def ready(self) -> None:
        # SMS templates register at import time of the module that sends them.
        from . import notices  # noqa: F401
