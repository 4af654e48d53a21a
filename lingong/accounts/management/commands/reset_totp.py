"""manage.py reset_totp <username> [--by <city admin>]: remove an admin's authenticator device."""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from lingong.accounts import otp
from lingong.accounts.models import User


class Command(BaseCommand):
    help = "重置管理员的动态验证码（手机丢失或更换时）；下次登录时重新设置。操作记入审计日志"

    def add_arguments(self, parser):
        parser.add_argument("username", help="要重置的管理员用户名")
        parser.add_argument("--by", default="", help="经办的市级管理员用户名（记入审计日志）")

    def handle(self, *args, **options):
        user = _user(options["username"])
        actor = _user(options["by"]) if options["by"] else None
        try:
            done = otp.reset_device(actor=actor, user=user)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if done:
            self.stdout.write(self.style.SUCCESS(f"已重置 {user.username} 的动态验证码，下次登录时重新设置"))
        else:
            self.stdout.write(f"{user.username} 还没有设置动态验证码，无需重置")


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"没有用户名为 {username} 的账号")
    return user
