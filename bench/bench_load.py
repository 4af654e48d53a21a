"""The public gig list page and search API under load: gunicorn, PostgreSQL, 32 concurrent users.

docs/QUALITY.md: at the design point (20,000 open gigs) the public gig pages and the search API should
serve >= 200 req/s with p95 <= 150 ms and no errors, 32 concurrent users, locust on loopback.

What it does, all in throwaway places that are removed afterwards (also on error):

1. Starts a PostgreSQL server (the newest under /usr/lib/postgresql/*/bin) in a temporary directory on a
   free port, run as the `postgres` user when we are root, as .ci/run does. fsync, synchronous_commit
   and full_page_writes are off: durability does not matter for a throwaway benchmark database, and the
   measured pages only read. Without server binaries it falls back to a SQLite file and says so.
2. In a child process with production settings (bench/load_settings.py: lingong/settings.py with
   LINGONG_ENV=production, DEBUG off, a random SECRET_KEY and data key, static files collected into the
   temporary directory): migrate, load_reference, load_catalog, collectstatic, then
   lingong/gigs/generate.py writes 20,000 open gigs for 5,000 approved employers (with shifts and the
   search terms), ANALYZE. No workers: the public pages do not read them. The same child times each
   kind of request once in-process (Django test client) with its SQL query count and SQL time, which
   shows where a request's time goes without HTTP and queueing.
3. Starts gunicorn on a free loopback port: sync workers, 2 x cores + 1 (5 on the 2-core box).
4. Load with locust used as a library (Environment + local runner, FastHttpUser, gevent) in a second
   child process, so gevent's monkey-patching never reaches this process or the benchmarks that
   `bench/run.py` runs after this one. Closed loop: each of the 32 users sends its next request as soon
   as the previous one is answered (no think time), so req/s is the throughput at 32 in flight. Phases,
   each with fresh users:
   - warm-up: the search mix, not recorded (workers import, caches fill, PostgreSQL warms its buffers);
   - baseline `towns`: GET /api/v1/towns only (the framework floor: middleware, routing, one small
     query, JSON), and `static`: one CSS file served by whitenoise (the HTTP floor without a view);
   - `single`: the search mix with one user (service time without queueing);
   - `mix`: the search mix with 32 users, the number compared with the target. Weights: list page 20,
     list page with a keyword 15 (保洁 and other everyday words, pinyin initials, synonyms), list page
     for a town 10, gig page 20, API keyword (sometimes with a town) 15, API near a town centre within
     15 minutes by e-bike 15, API gig 5; gig codes drawn from the open gigs.
   Every request's time is recorded (not locust's rounded histogram): req/s, p50/p95/p99 and errors
   (any non-2xx or connection error) per endpoint and in total. CPU seconds used by gunicorn, PostgreSQL
   and the load generator during each phase come from /proc (psutil), with the whole machine's busy
   time, because the box is shared.

Sizes for a quick look: LINGONG_BENCH_LOAD_GIGS (20000), LINGONG_BENCH_LOAD_SECONDS (60, the mix
phase), LINGONG_BENCH_LOAD_USERS (32), LINGONG_BENCH_LOAD_WORKERS (2 x cores + 1).
Usage: python bench/run.py load   or   python bench/bench_load.py
"""

from __future__ import annotations

import base64
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SEED = 7
GIGS = 20_000
EMPLOYERS = 5_000
USERS = 32
MIX_SECONDS = 60
WARMUP_SECONDS = 20
BASELINE_SECONDS = 20
SINGLE_SECONDS = 15
SETTLE_SECONDS = 3
TARGET = {"rps": 200, "p95_ms": 150, "errors": 0}  # docs/QUALITY.md
SAMPLE_CODES = 2_000
KEYWORDS = [
    *("保洁", "保洁", "搬运工", "包装工", "电工", "厨师", "服务员"),  # everyday words, 保洁 twice
    *("保姆", "钟点工", "bj", "车位工 日结"),  # synonyms, pinyin initials, keyword + 日结
]
PAGE_TOWNS = 8  # the list page and keyword + town queries use the first towns of the plan order
PG_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tail(path: Path, lines: int = 30) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --- PostgreSQL -------------------------------------------------------------------------------------


def _pg_bin() -> Path | None:
    found = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()]
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0) if found else None


class Postgres:
    """A throwaway server: initdb into a temporary directory, pg_ctl start on a free loopback port."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="lingong-bench-pg-"))
        self.started = False
        self.as_root = os.geteuid() == 0
        self.url = f"postgres://lingong:lingong@127.0.0.1:{self.port}/lingong"

    def _run(self, *args: str | Path) -> str:
        cmd = [str(a) for a in args]
        if self.as_root:
            runuser = shutil.which("runuser") or "/usr/sbin/runuser"
            cmd = [runuser, "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, cwd=self.dir, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}\n{_tail(self.log)}")
        return done.stdout

    @property
    def log(self) -> Path:
        return self.dir / "server.log"

    def start(self) -> None:
        (self.dir / "socket").mkdir()
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
            shutil.chown(self.dir / "socket", "postgres", "postgres")
        self.dir.chmod(0o700)
        self._run(
            self.bin / "initdb",
            "-D",
            str(self.dir / "data"),
            "-U",
            "postgres",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
        )
        options = f"-p {self.port} -k {self.dir / 'socket'} -c listen_addresses=127.0.0.1 {PG_OPTIONS}"
        self._run(
            self.bin / "pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.log), "-w", "-t", "60",
            "-o", options, "start",
        )  # fmt: skip
        self.started = True
        self._run(
            self.bin / "psql", "-h", str(self.dir / "socket"), "-p", str(self.port), "-U", "postgres",
            "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q",
            "-c", "CREATE ROLE lingong LOGIN PASSWORD 'lingong'",
            "-c", "CREATE DATABASE lingong OWNER lingong",
        )  # fmt: skip

    def postmaster_pid(self) -> int | None:
        pid_file = self.dir / "data" / "postmaster.pid"
        try:
            return int(pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def version(self) -> str:
        return self._run(self.bin / "postgres", "--version").strip()

    def stop(self) -> None:
        try:
            if self.started:
                self._run(self.bin / "pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")
                self.started = False
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


# --- the Django side: settings, data, gunicorn -------------------------------------------------------


def _django_env(database_url: str, work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.load_settings",
            "LINGONG_BENCH_STATIC_ROOT": str(work / "static"),
            "LINGONG_VAR_DIR": str(work / "var"),
            "LINGONG_ENV": "production",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "LINGONG_DATA_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            # Loopback HTTP: the redirect to HTTPS would answer every request with a 301.
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
        }
    )
    return env


def _child(mode: str, args: list[str], env: dict[str, str], log: Path) -> dict[str, Any]:
    """Run this file in `mode` in a child process; it writes its JSON result to a file we read back."""
    out = log.with_suffix(".json")
    with log.open("w") as log_file:
        done = subprocess.run(  # noqa: S603
            [PY, str(Path(__file__).resolve()), mode, *args, str(out)],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode or not out.exists():
        raise RuntimeError(f"{mode} failed (exit {done.returncode}):\n{_tail(log, 40)}")
    return json.loads(out.read_text())


class Gunicorn:
    def __init__(self, env: dict[str, str], workers: int, log: Path):
        self.env = env
        self.workers = workers
        self.port = _free_port()
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None
        self.host = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        cmd = [
            PY, "-m", "gunicorn", "lingong.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers),
            "--worker-class", "sync",
            "--backlog", "2048",
            "--timeout", "60",
            "--chdir", str(ROOT),
            "--error-logfile", "-",
            "--no-control-socket",  # nothing left in the home directory
        ]  # fmt: skip
        with self.log.open("w") as log_file:
            self.proc = subprocess.Popen(  # noqa: S603
                cmd, cwd=ROOT, env=self.env, stdout=log_file, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{_tail(self.log)}")
            try:
                with urllib.request.urlopen(f"{self.host}/api/v1/towns", timeout=5) as r:  # noqa: S310
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn did not answer within 90 s:\n{_tail(self.log)}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


# --- child: prepare the database ----------------------------------------------------------------------


def _prepare_main(gigs: int, employers: int, out: Path) -> None:
    """Runs with DJANGO_SETTINGS_MODULE=bench.load_settings against the benchmark's database."""
    import io
    import random
    import statistics

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.templatetags.static import static
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lingong.gigs.generate import generate_gigs
    from lingong.gigs.models import Gig
    from lingong.places.models import Town

    assert not settings.DEBUG and settings.PRODUCTION
    phases: dict[str, float] = {}
    quiet = io.StringIO()
    for name, args in (
        ("migrate", ("migrate", "--noinput")),
        ("load_reference", ("load_reference",)),
        ("load_catalog", ("load_catalog",)),
        ("collectstatic", ("collectstatic", "--noinput")),
    ):
        t0 = time.perf_counter()
        call_command(*args, stdout=quiet, verbosity=0)
        phases[name] = round(time.perf_counter() - t0, 1)
    gen = generate_gigs(gigs, seed=SEED, employers=employers)
    phases["generate_gigs"] = round(gen.seconds, 1)
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    phases["analyze"] = round(time.perf_counter() - t0, 1)

    codes = list(Gig.objects.public().order_by("code").values_list("code", flat=True))
    towns = [
        {"name": t.name, "short": t.short, "lat": t.lat, "lng": t.lng}
        for t in Town.objects.order_by("-population")
    ]
    static_path = static("css/site.css")  # the hashed name the pages link to
    rng = random.Random(SEED)
    sample = rng.sample(codes, min(SAMPLE_CODES, len(codes)))

    # Each kind of request once more in-process: time, SQL queries and SQL time (no HTTP, no queue).
    first = towns[0]
    probes = {
        "towns": "/api/v1/towns",
        "page list": "/gigs/",
        "page keyword": "/gigs/?q=保洁",
        "page town": f"/gigs/?town={towns[1]['short']}",
        "page gig": f"/gigs/{sample[0]}/",
        "api keyword": "/api/v1/gigs?q=保洁",
        "api near": f"/api/v1/gigs?near={first['lat']},{first['lng']}&within_minutes=15&mode=ebike",
        "api gig": f"/api/v1/gigs/{sample[0]}",
    }
    client = Client()
    probe: dict[str, Any] = {}
    for name, path in probes.items():
        client.get(path)
        times, sql = [], []
        for _ in range(7):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - t0) * 1000)
            sql.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        probe[name] = {
            "path": path,
            "status": response.status_code,
            "bytes": len(response.content),
            "ms_p50": round(statistics.median(times), 1),
            "sql_queries": len(ctx.captured_queries),
            "sql_ms_p50": round(statistics.median(sql), 1),
        }
        slowest = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:3]
        probe[name]["slowest_sql"] = [f"{float(q['time']) * 1000:.1f} ms: {q['sql'][:300]}" for q in slowest]
        if connection.vendor == "postgresql" and slowest and float(slowest[0]["time"]) >= 0.02:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest[0]["sql"])
                    plan = [row[0] for row in cursor.fetchall()]
            except Exception as exc:  # a diagnostic only: never fail the benchmark over it
                plan = [f"EXPLAIN failed: {exc}"]
            probe[name]["slowest_sql_plan"] = plan[:60]
        if name != "towns":
            probe[name]["profile"] = _profile(client, path)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            db_bytes = int(cursor.fetchone()[0])
    else:
        db_bytes = Path(connection.settings_dict["NAME"]).stat().st_size
    result = {
        "vendor": connection.vendor,
        "phases_s": phases,
        "generate": {
            "gigs": gen.gigs,
            "employers_created": gen.employers_created,
            "shifts": gen.shifts,
            "terms": gen.terms,
            "gigs_per_s": round(gen.gigs_per_s),
        },
        "open_gigs": len(codes),
        "db_bytes": db_bytes,
        "codes": sample,
        "towns": towns,
        "static_path": static_path,
        "probe": probe,
    }
    out.write_text(json.dumps(result, ensure_ascii=False))


def _area(path: str) -> str:
    for marker, area in (
        ("/lingong/", "app code (lingong/)"),
        ("django/template", "templates"),
        ("psycopg", "database driver, incl. waiting for the server"),
        ("sqlite3", "database driver, incl. waiting for the server"),
        ("django/db/", "ORM"),
        ("pydantic", "API serialisation (ninja, pydantic)"),
        ("ninja", "API serialisation (ninja, pydantic)"),
        ("segno", "QR code (segno)"),
    ):
        if marker in path:
            return area
    return "other (Django, middleware, stdlib)"


def _profile(client: Any, path: str, repeat: int = 10) -> dict[str, Any]:
    """Where one request's time goes in-process: own time by area, and the costliest functions."""
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    for _ in range(repeat):
        client.get(path)
    prof.disable()
    raw = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    areas: dict[str, float] = {}
    rows = []
    for (file, line, func), (_cc, _nc, tottime, cumtime, _callers) in raw.items():
        areas[_area(file)] = areas.get(_area(file), 0.0) + tottime
        rows.append(
            (tottime, cumtime, f"{file.split('site-packages/')[-1].split('/work/main/')[-1]}:{line} {func}")
        )
    total = sum(areas.values()) or 1.0
    rows.sort(reverse=True)
    app = sorted((r for r in rows if r[2].startswith("lingong/")), key=lambda r: -r[1])
    return {
        "ms_per_request_profiled": round(total * 1000 / repeat, 1),
        "share_by_area": {k: round(v / total, 3) for k, v in sorted(areas.items(), key=lambda kv: -kv[1])},
        "top_own_time_ms": {name: round(tt * 1000 / repeat, 2) for tt, _ct, name in rows[:8]},
        "app_cumulative_ms": {name: round(ct * 1000 / repeat, 2) for _tt, ct, name in app[:10]},
    }


# --- child: the load generator ----------------------------------------------------------------------


def _pct(sorted_ms: list[float], p: float) -> float:
    if not sorted_ms:
        return float("nan")
    return round(sorted_ms[max(0, math.ceil(p * len(sorted_ms)) - 1)], 1)


def _summarise(samples: list[tuple[str, float, str | None]], seconds: float) -> dict[str, Any]:
    by_name: dict[str, list[tuple[float, str | None]]] = {}
    for name, ms, err in samples:
        by_name.setdefault(name, []).append((ms, err))

    def one(rows: list[tuple[float, str | None]]) -> dict[str, Any]:
        times = sorted(ms for ms, _ in rows)
        errors = [e for _, e in rows if e]
        return {
            "requests": len(rows),
            "rps": round(len(rows) / seconds, 1),
            "p50_ms": _pct(times, 0.50),
            "p95_ms": _pct(times, 0.95),
            "p99_ms": _pct(times, 0.99),
            "max_ms": round(times[-1], 1) if times else None,
            "errors": len(errors),
            "error_examples": sorted(set(errors))[:5],
        }

    return {
        "seconds": round(seconds, 1),
        "total": one([(ms, err) for _, ms, err in samples]),
        "endpoints": {name: one(rows) for name, rows in sorted(by_name.items())},
    }


def _cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds (user + system) so far of each process, its live children and its children that have
    exited (PostgreSQL backends come and go), and the machine's busy time."""
    import psutil

    out: dict[str, float] = {}
    for label, pid in pids.items():
        total = 0.0
        try:
            root = psutil.Process(pid)
            for proc in [root, *root.children(recursive=True)]:
                try:
                    t = proc.cpu_times()
                    total += t.user + t.system + t.children_user + t.children_system
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        out[label] = total
    t = psutil.cpu_times()
    out["machine_busy"] = t.user + t.nice + t.system + getattr(t, "irq", 0) + getattr(t, "softirq", 0)
    return out


def _client_main(cfg_path: Path, out: Path) -> None:
    """Runs the phases in cfg with locust as a library (this process is monkey-patched by gevent)."""
    import random
    from urllib.parse import urlencode

    import gevent
    from locust import FastHttpUser, constant, task
    from locust.env import Environment

    cfg = json.loads(cfg_path.read_text())
    codes: list[str] = cfg["codes"]
    towns: list[dict[str, Any]] = cfg["towns"][:PAGE_TOWNS]
    rng = random.Random(SEED)

    class SearchMix(FastHttpUser):
        wait_time = constant(0)

        def _get(self, path: str, name: str) -> None:
            self.client.get(path, name=name)

        @task(20)
        def page_list(self) -> None:
            self._get("/gigs/", "page list")

        @task(15)
        def page_keyword(self) -> None:
            self._get("/gigs/?" + urlencode({"q": rng.choice(KEYWORDS)}), "page keyword")

        @task(10)
        def page_town(self) -> None:
            self._get("/gigs/?" + urlencode({"town": rng.choice(towns)["short"]}), "page town")

        @task(20)
        def page_gig(self) -> None:
            self._get(f"/gigs/{rng.choice(codes)}/", "page gig")

        @task(15)
        def api_keyword(self) -> None:
            params = {"q": rng.choice(KEYWORDS)}
            if rng.random() < 0.3:
                params["town"] = rng.choice(towns)["short"]
            self._get("/api/v1/gigs?" + urlencode(params), "api keyword")

        @task(15)
        def api_near(self) -> None:
            t = rng.choice(towns)
            near = f"{t['lat']:.4f},{t['lng']:.4f}"
            self._get(
                "/api/v1/gigs?" + urlencode({"near": near, "within_minutes": 15, "mode": "ebike"}), "api near"
            )

        @task(5)
        def api_gig(self) -> None:
            self._get(f"/api/v1/gigs/{rng.choice(codes)}", "api gig")

    class Towns(FastHttpUser):
        wait_time = constant(0)

        @task
        def towns(self) -> None:
            self.client.get("/api/v1/towns", name="towns")

    class Static(FastHttpUser):
        wait_time = constant(0)

        @task
        def static(self) -> None:
            self.client.get(cfg["static_path"], name="static")

    user_classes: dict[str, type[FastHttpUser]] = {"mix": SearchMix, "towns": Towns, "static": Static}
    results: dict[str, Any] = {}
    for phase in cfg["phases"]:
        env = Environment(user_classes=[user_classes[phase["users_class"]]], host=cfg["host"])
        samples: list[tuple[str, float, str | None]] = []
        recording = {"on": False}

        def on_request(
            name: str,
            response_time: float,
            exception: BaseException | None = None,
            response: Any = None,
            samples: list[tuple[str, float, str | None]] = samples,
            recording: dict[str, bool] = recording,
            **_: Any,
        ) -> None:
            if not recording["on"]:
                return
            err = None
            if exception is not None:
                status = getattr(response, "status_code", None)
                err = f"{status} {type(exception).__name__}: {str(exception)[:120]}"
            samples.append((name, response_time, err))

        env.events.request.add_listener(on_request)
        runner = env.create_local_runner()
        users = phase["users"]
        runner.start(users, spawn_rate=users)
        if runner.spawning_greenlet is not None:
            runner.spawning_greenlet.join()
        gevent.sleep(SETTLE_SECONDS)  # every user has sent its first request
        load_before = os.getloadavg()
        cpu_before = _cpu_seconds(cfg["pids"] | {"load generator": os.getpid()})
        started = time.perf_counter()
        recording["on"] = True
        gevent.sleep(phase["seconds"])
        recording["on"] = False
        seconds = time.perf_counter() - started
        cpu_after = _cpu_seconds(cfg["pids"] | {"load generator": os.getpid()})
        load_after = os.getloadavg()
        runner.quit()
        # Requests of the stopped users still queue at gunicorn: wait until one more is answered, so
        # the next phase does not start behind them.
        t0 = time.perf_counter()
        with urllib.request.urlopen(f"{cfg['host']}/api/v1/towns", timeout=300) as r:  # noqa: S310
            r.read()
        drain_s = time.perf_counter() - t0
        if not phase.get("record", True):
            continue
        summary = _summarise(samples, seconds)
        n = max(1, summary["total"]["requests"])
        cpu = {k: round(cpu_after[k] - cpu_before[k], 1) for k in cpu_before}
        summary["cpu_s"] = cpu
        summary["cpu_ms_per_request"] = {k: round(v * 1000 / n, 2) for k, v in cpu.items()}
        # Busy cores on the whole machine, and those not used by gunicorn, PostgreSQL or the load generator.
        ours = sum(v for k, v in cpu.items() if k != "machine_busy")
        summary["machine_busy_cores"] = round(cpu["machine_busy"] / seconds, 2)
        summary["other_busy_cores"] = round(max(0.0, cpu["machine_busy"] - ours) / seconds, 2)
        summary["load_avg_1min_before_after"] = [round(load_before[0], 2), round(load_after[0], 2)]
        summary["users"] = users
        summary["drain_s"] = round(drain_s, 1)
        results[phase["name"]] = summary
    out.write_text(json.dumps(results, ensure_ascii=False))


# --- the benchmark ------------------------------------------------------------------------------------


def _exit_on_signal(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b else None


def run() -> dict:
    gigs = _env_int("LINGONG_BENCH_LOAD_GIGS", GIGS)
    employers = min(EMPLOYERS, max(1, gigs // 4))
    users = _env_int("LINGONG_BENCH_LOAD_USERS", USERS)
    mix_seconds = _env_int("LINGONG_BENCH_LOAD_SECONDS", MIX_SECONDS)
    short = mix_seconds < MIX_SECONDS
    cores = os.cpu_count() or 1
    workers = _env_int("LINGONG_BENCH_LOAD_WORKERS", 2 * cores + 1)
    work = Path(tempfile.mkdtemp(prefix="lingong-bench-load-"))
    (work / "var").mkdir()
    pg: Postgres | None = None
    server: Gunicorn | None = None
    started = time.perf_counter()
    # A plain `kill` should still stop the servers and remove the temporary directories (finally below).
    previous = signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        bin_dir = _pg_bin()
        if bin_dir is not None:
            pg = Postgres(bin_dir)
            pg.start()
            database_url = pg.url
            backend = {"database": "postgresql", "server": pg.version(), "settings": PG_OPTIONS}
        else:
            database_url = f"sqlite:///{work / 'load.sqlite3'}"
            backend = {
                "database": "sqlite",
                "note": "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin: fell back to SQLite",
            }
        env = _django_env(database_url, work)
        prep = _child("--prepare", [str(gigs), str(employers)], env, work / "prepare.log")
        server = Gunicorn(env, workers, work / "gunicorn.log")
        server.start()
        pids = {"gunicorn": server.proc.pid if server.proc else 0}
        if pg is not None and pg.postmaster_pid():
            pids["postgresql"] = pg.postmaster_pid() or 0
        seconds = {
            "warmup": 5 if short else WARMUP_SECONDS,
            "baseline": 5 if short else BASELINE_SECONDS,
            "single": 5 if short else SINGLE_SECONDS,
        }
        cfg = {
            "host": server.host,
            "codes": prep["codes"],
            "towns": prep["towns"],
            "static_path": prep["static_path"],
            "pids": pids,
            "phases": [
                {"name": "warmup", "users_class": "mix", "users": users, "seconds": seconds["warmup"],
                 "record": False},
                {"name": "towns", "users_class": "towns", "users": users, "seconds": seconds["baseline"]},
                {"name": "static", "users_class": "static", "users": users, "seconds": seconds["baseline"]},
                {"name": "single", "users_class": "mix", "users": 1, "seconds": seconds["single"]},
                {"name": "mix", "users_class": "mix", "users": users, "seconds": mix_seconds},
            ],
        }  # fmt: skip
        cfg_path = work / "client.cfg"
        cfg_path.write_text(json.dumps(cfg, ensure_ascii=False))
        load_before = [round(x, 2) for x in os.getloadavg()]
        phases = _child("--client", [str(cfg_path)], env, work / "client.log")
        load_after = [round(x, 2) for x in os.getloadavg()]
        server.stop()
        server_errors = [
            line
            for line in (work / "gunicorn.log").read_text(errors="replace").splitlines()
            if "Traceback" in line or "ERROR" in line or "WORKER TIMEOUT" in line
        ]
    finally:
        try:
            if server is not None:
                server.stop()
        finally:
            if pg is not None:
                pg.stop()
            shutil.rmtree(work, ignore_errors=True)
            signal.signal(signal.SIGTERM, previous)

    mix = phases["mix"]["total"]
    towns = phases["towns"]["total"]
    static = phases["static"]["total"]
    met = {
        "rps": mix["rps"] >= TARGET["rps"],
        "p95_ms": mix["p95_ms"] <= TARGET["p95_ms"],
        "errors": mix["errors"] <= TARGET["errors"],
    }
    # What the server side costs per request, and the throughput that would allow if gunicorn and
    # PostgreSQL had every core to themselves (an estimate: no load generator, no other load).
    server_ms: dict[str, float] = {}
    for name in ("mix", "towns", "single"):
        per = phases[name]["cpu_ms_per_request"]
        server_ms[name] = round(per["gunicorn"] + per.get("postgresql", 0.0), 2)
    worst = max(phases["mix"]["endpoints"].items(), key=lambda kv: kv[1]["p95_ms"])
    summary = {
        "backend": backend["database"],
        "gigs": prep["open_gigs"],
        "users": users,
        "gunicorn_workers": workers,
        "mix_rps": mix["rps"],
        "mix_p50_ms": mix["p50_ms"],
        "mix_p95_ms": mix["p95_ms"],
        "mix_p99_ms": mix["p99_ms"],
        "mix_errors": mix["errors"],
        "worst_endpoint_p95": f"{worst[0]} {worst[1]['p95_ms']} ms",
        "towns_rps": towns["rps"],
        "towns_p95_ms": towns["p95_ms"],
        "static_rps": static["rps"],
        "ratio_rps_towns_over_mix": _ratio(towns["rps"], mix["rps"]),
        "ratio_p95_mix_over_towns": _ratio(mix["p95_ms"], towns["p95_ms"]),
        "single_user_p50_ms": phases["single"]["total"]["p50_ms"],
        "server_cpu_ms_per_request_mix": server_ms["mix"],
        "server_cpu_ms_per_request_towns": server_ms["towns"],
        "cpu_bound_ceiling_rps_mix": round(cores * 1000 / server_ms["mix"]) if server_ms["mix"] > 0 else None,
        "target_met": all(met.values()),
        "load_avg_1min": phases["mix"]["load_avg_1min_before_after"][1],
        "other_busy_cores": phases["mix"]["other_busy_cores"],
    }
    return {
        "target": TARGET,
        "met": met,
        "config": {
            **backend,
            "data": f"{prep['open_gigs']} open gigs from lingong/gigs/generate.py (seed {SEED}), "
            f"{employers} employers, no workers",
            "gunicorn": f"{workers} sync workers (2 x {cores} cores + 1), 127.0.0.1, backlog 2048",
            "django": "bench/load_settings.py: lingong/settings.py with LINGONG_ENV=production, DEBUG off, "
            "SECURE_SSL_REDIRECT=0 (plain HTTP on loopback), static files collected into a temp dir",
            "load": f"locust {users} users, FastHttpUser, no think time (closed loop), same machine",
            "phases_s": {p["name"]: p["seconds"] for p in cfg["phases"]},
            "cores": cores,
        },
        "prepare": {k: prep[k] for k in ("vendor", "phases_s", "generate", "open_gigs", "db_bytes")},
        "in_process_probe": prep["probe"],
        "phases": phases,
        "server_log_errors": server_errors[:20],
        "load_avg_1_5_15_before_after": [*load_before, *load_after],
        "seconds": round(time.perf_counter() - started, 1),
        "summary": summary,
    }


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--prepare":
        _prepare_main(int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--client":
        _client_main(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        sys.path.insert(0, str(ROOT))
        from bench.run import main

        raise SystemExit(main(["load"]))
