from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "lingong.programme"
    label = "programme"
    verbose_name = "建设计划与资金"
