"""Production settings for bench/bench_load.py, with the collected static files in the benchmark's own
temporary directory (LINGONG_BENCH_STATIC_ROOT) instead of the checkout's staticfiles/.

Everything else comes from lingong/settings.py unchanged, driven by the environment the benchmark sets
(LINGONG_ENV=production, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, ...).
"""

import os
from pathlib import Path

from lingong.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["LINGONG_BENCH_STATIC_ROOT"])
