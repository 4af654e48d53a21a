from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "lingong.catalog"
    label = "catalog"
    verbose_name = "职业与代码表"
