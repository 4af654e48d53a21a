from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "lingong.ledger"
    label = "ledger"
    verbose_name = "服务台账"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from lingong.gigs.models import Application
        from lingong.workers.models import Worker

        from . import hooks

        # Services done elsewhere write their own ledger lines, inside the same transaction.
        post_save.connect(hooks.worker_registered, sender=Worker, dispatch_uid="ledger-worker-registered")
        post_save.connect(hooks.staff_invited, sender=Application, dispatch_uid="ledger-staff-invited")
