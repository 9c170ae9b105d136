"""In-process A/B runs of the monthly assessment (``bench/insurance_assess.py --in-process N``).

The loaded database is kept as a template; every run gets a fresh copy (PostgreSQL ``CREATE DATABASE …
TEMPLATE``, SQLite a file copy), runs ``run(month)`` in this process and reports wall time, this process's
CPU time, the PostgreSQL backend's CPU time (``/proc/<pid>/stat``) and the time of each phase. With
``--baseline DIR`` the package copy ``DIR/assess_base`` runs alternately with the current code, so before and
after are measured back to back on the same machine load.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import time
from collections import defaultdict
from datetime import date
from functools import wraps
from urllib.parse import urlsplit, urlunsplit

MONTH = date(2024, 7, 1)
_TICK = os.sysconf("SC_CLK_TCK")


_PID = {}


def _backend_cpu(connection) -> float:
    if connection.vendor != "postgresql":
        return 0.0
    pid = _PID.get("pid")
    if pid is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = _PID["pid"] = cursor.fetchone()[0]
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _timed(times: dict, name: str, fn):
    from django.db import connection

    @wraps(fn)
    def inner(*args, **kwargs):
        started, cpu, backend = time.perf_counter(), time.process_time(), _backend_cpu(connection)
        try:
            return fn(*args, **kwargs)
        finally:
            times[name] += time.perf_counter() - started
            times[name + " cpu"] += time.process_time() - cpu
            if connection.vendor == "postgresql":
                times[name + " pg"] += _backend_cpu(connection) - backend
    return inner


def _instrument(pkg: str, times: dict) -> list:
    """Wrap the phases of ``pkg`` (module attributes) with timers; returns what to restore."""
    patches = [("service", "prepare", "gather+compute"), ("write", "write_contributions", "write lines"),
               ("write", "_write_items", "write items"), ("write", "post_batch", "journal"),
               ("write", "copy_rows", "write bills"), ("service", "write_chunk", "write chunk (all)")]
    saved = []
    for module, attr, label in patches:
        mod = importlib.import_module(f"{pkg}.{module}")
        if hasattr(mod, attr):
            saved.append((mod, attr, getattr(mod, attr)))
            setattr(mod, attr, _timed(times, label, getattr(mod, attr)))
    for module, attr, label in (("service", "gather", "  gather"), ("service", "compute", "  compute")):
        mod = importlib.import_module(f"{pkg}.{module}")
        saved.append((mod, attr, getattr(mod, attr)))
        setattr(mod, attr, _timed(times, label, getattr(mod, attr)))
    return saved


class Copies:
    """Fresh copies of the loaded database, one per run."""

    def __init__(self, path: str):
        from django.db import connection

        self.vendor, self.template = connection.vendor, path
        self.settings = connection.settings_dict
        self.n = 0
        connection.close()
        if self.vendor == "sqlite":
            import sqlite3

            with sqlite3.connect(path) as raw:
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def cleanup(self) -> None:
        """Remove the last copy (SQLite files; PostgreSQL's throwaway cluster goes with its database)."""
        from django.db import connection

        connection.close()
        if self.vendor == "sqlite":
            for ext in ("", "-wal", "-shm"):
                path = f"{self.template}.run{self.n}{ext}"
                if os.path.exists(path):
                    os.remove(path)

    def fresh(self) -> None:
        from django.db import connection

        connection.close()
        self.n += 1
        if self.vendor == "sqlite":
            target = f"{self.template}.run{self.n}"
            shutil.copyfile(self.template, target)
            if self.n > 1:
                for old in (f"{self.template}.run{self.n - 1}", f"{self.template}.run{self.n - 1}-wal",
                            f"{self.template}.run{self.n - 1}-shm"):
                    if os.path.exists(old):
                        os.remove(old)
            self.settings["NAME"] = target
            return
        import psycopg

        url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres"))
        name = f"{self.template}_run"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {self.template}")
        self.settings["NAME"] = name


def run_once(pkg: str, copies: Copies, drop_index: str = "") -> dict:
    from django.db import connection

    copies.fresh()
    _PID.clear()
    if drop_index:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS " + connection.ops.quote_name(drop_index))
    module = importlib.import_module(pkg)
    times: dict = defaultdict(float)
    saved = _instrument(pkg, times)
    try:
        backend0 = _backend_cpu(connection)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        if os.environ.get("ASSESS_PROFILE"):  # cProfile the run, top functions by own time on stderr
            import cProfile
            import pstats

            profile = cProfile.Profile()
            summary = profile.runcall(module.run, MONTH, progress=None)
            pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(25)
        else:
            summary = module.run(MONTH, progress=None)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        backend = _backend_cpu(connection) - backend0
    finally:
        for mod, attr, fn in saved:
            setattr(mod, attr, fn)
    return {"pkg": pkg, "wall": wall, "cpu": cpu, "backend_cpu": backend, "line": summary.line(),
            "phases": dict(times)}


def main(args, path: str) -> int:
    if args.baseline:
        sys.path.insert(0, args.baseline)
    variants = ["laobao.insurance.assessment"] + (["assess_base"] if args.baseline else [])
    variants += [v for v in os.environ.get("ASSESS_VARIANTS", "").split(",") if v]  # more packages in DIR
    copies = Copies(path)
    print(f"load: {os.getloadavg()}", flush=True)
    for rep in range(args.in_process):
        for pkg in (variants if rep % 2 == 0 else variants[::-1]):
            r = run_once(pkg, copies, args.drop_index if pkg == "assess_base" else "")  # base: as it was
            ph = r["phases"]
            phases = "\n      ".join(f"{k:18s} wall {v:5.2f}  cpu {ph[k + ' cpu']:5.2f}  pg {ph.get(k + ' pg', 0):5.2f}"
                                    for k, v in ph.items() if not k.endswith((" cpu", " pg")))
            print(f"[{rep}] {pkg:28s} wall {r['wall']:6.2f} s  cpu {r['cpu']:6.2f} s  pg backend cpu "
                  f"{r['backend_cpu']:6.2f} s  load {os.getloadavg()[0]:.2f}\n      {phases}\n      {r['line']}",
                  flush=True)
    copies.cleanup()
    return 0
