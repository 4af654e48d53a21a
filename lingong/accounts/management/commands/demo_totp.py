"""manage.py demo_totp <username>: the current second-factor code of a demo admin account."""

import time

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from lingong.accounts.demo import DEMO_ADMINS, current_code
from lingong.lib import totp


class Command(BaseCommand):
    help = f"显示演示管理员账号（{'、'.join(DEMO_ADMINS)}）当前的动态验证码；生产环境不可用"

    def add_arguments(self, parser):
        parser.add_argument("username", help="演示管理员用户名")

    def handle(self, *args, **options):
        now = time.time()
        try:
            code = current_code(options["username"], now)
        except (ValueError, ImproperlyConfigured) as exc:
            raise CommandError(str(exc)) from exc
        left = totp.STEP_SECONDS - int(now) % totp.STEP_SECONDS
        self.stdout.write(f"{options['username']} 当前动态验证码：{code}（约 {left} 秒后更换）")
