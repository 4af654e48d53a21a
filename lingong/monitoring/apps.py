from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "lingong.monitoring"
    label = "monitoring"
    verbose_name = "运行监测与报表"
