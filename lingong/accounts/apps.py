from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lingong.accounts"
    label = "accounts"
    verbose_name = "账户与权限"

    def ready(self) -> None:
        from . import checks, otp  # noqa: F401 - registers the system checks and the login receiver
