"""Run every bench/bench_*.py and write its JSON result to bench/results/<name>.json.

Each module has run() -> dict. Timings are medians of repeated runs with a baseline measured in the
same process, because these machines are shared and noisy. Usage: python bench/run.py [name ...]
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lingong.settings")
os.environ.setdefault("LINGONG_VAR_DIR", str(ROOT / "var" / "bench"))


def main(names: list[str]) -> int:
    import django

    django.setup()
    modules = sorted(p.stem for p in (ROOT / "bench").glob("bench_*.py"))
    chosen = [m for m in modules if not names or m.removeprefix("bench_") in names or m in names]
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    for name in chosen:
        module = importlib.import_module(f"bench.{name}")
        started = time.time()
        result = module.run()
        result["_meta"] = {
            "bench": name,
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "seconds": round(time.time() - started, 2),
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
        }
        (out_dir / f"{name.removeprefix('bench_')}.json").write_text(
            json.dumps(result, ensure_ascii=False, indent=2) + "\n"
        )
        print(f"{name}: {json.dumps(result.get('summary', {}), ensure_ascii=False)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
