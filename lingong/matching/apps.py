from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "lingong.matching"
    label = "matching"
    verbose_name = "人岗匹配"

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_save

        from lingong.accounts.models import AuditEntry

        from . import index

        def audit_written(sender, instance, created, **kwargs):
            # Every important write appends an audit entry in its transaction: once it commits, this
            # process checks the audit log on its next matching call instead of waiting for the interval.
            if created:
                transaction.on_commit(index.invalidate)

        post_save.connect(audit_written, sender=AuditEntry, dispatch_uid="matching-audit-written", weak=False)
