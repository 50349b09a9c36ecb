"""FieldDesk benchmarks: ``python bench/run.py --json [--only GROUP] [--scale N]``.

Prints ONE JSON object of named figures (seconds unless the name says ``_mb``
or ``_ratio``), each product figure next to the floor it is judged against and
their ratio, all measured in the same run on the same data (DESIGN.md §7).
Without ``--json`` the same figures are printed as an aligned table.

Group protocol
--------------
A group is a module ``bench/group_<name>.py`` exposing::

    def run(scale: float, workdir: Path) -> dict[str, float | None]

* ``scale`` shrinks the sizes proportionally (1.0 = nominal: 100k ledger items);
  figure names keep their nominal size (``ledger_filter_100k_s`` at any scale).
  ``--scale 0.01`` must finish in seconds.
* ``workdir`` is the group's own scratch folder (``<workdir>/<name>``), kept
  between runs. Demo offices come from ``bench.common.make_big_office(workdir,
  items)``, cached by size for every group; copy one with ``fresh_copy`` before
  writing to it.
* Return figures in order: product, its floor, ``<product stem>_ratio``
  (``bench.common.pair`` builds the three). None means "not measured" and is
  printed as null; say why in a figure-free way by raising, or in the group docs.
* Each group runs in its own Python process (so its imports, memory peaks and
  garbage do not leak into the next group's figures); ``--in-process`` runs
  them in this one, for debugging. A group may print to stdout or stderr
  freely: its figures travel on a marker line.
* A group that raises is reported under ``"_errors"`` and the others still run;
  the exit code is then 1.

The object also carries ``"_meta"`` (scale, versions, machine, seconds per
group); consumers skip keys starting with ``_``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_WORKDIR = Path(os.environ.get("FIELDDESK_BENCH_DIR", Path(tempfile.gettempdir()) / "fielddesk-bench"))


#: groups that need something the machine may not have, run only when asked for by name (or given it)
OPT_IN = {"ledger_pg": "FIELDDESK_BENCH_PG_URL"}


def discover() -> dict[str, Path]:
    """Group name -> module file, for every bench/group_<name>.py."""
    return {p.stem.removeprefix("group_"): p for p in sorted(BENCH.glob("group_*.py"))}


def load_group(name: str, path: Path) -> ModuleType:
    """Import a group module by file (as ``bench.group_<name>``)."""
    spec = importlib.util.spec_from_file_location(f"bench.group_{name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("PySide6-Essentials", "SQLAlchemy", "openpyxl", "reportlab", "python-calamine"):
        try:
            from importlib.metadata import version

            out[dist] = version(dist)
        except Exception:  # noqa: BLE001 - a missing optional package is just not listed
            continue
    return out


MARKER = "FIELDDESK-BENCH-RESULT "


def run_one(name: str, scale: float, workdir: Path) -> dict[str, Any]:
    """Run one group in this process."""
    module = load_group(name, discover()[name])
    (workdir / name).mkdir(parents=True, exist_ok=True)
    return dict(module.run(scale, workdir / name))


def run_isolated(name: str, scale: float, workdir: Path) -> dict[str, Any]:
    """Run one group in a child Python; its figures come back on the marker line."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", name, "--scale", repr(scale),
           "--workdir", str(workdir)]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=None, text=True, cwd=str(ROOT))
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARKER):
            payload = json.loads(line[len(MARKER):])
            if "error" in payload:
                raise RuntimeError(payload["error"])
            return dict(payload["figures"])
    raise RuntimeError(f"group {name} exited with {proc.returncode} without figures; output: {proc.stdout[-1500:]}")


def run_groups(names: list[str], scale: float, workdir: Path, isolated: bool = True) -> dict[str, Any]:
    """Run the named groups; one dict of figures plus ``_meta`` and ``_errors``."""
    figures: dict[str, Any] = {}
    errors: dict[str, str] = {}
    seconds: dict[str, float] = {}
    os.environ.setdefault("FIELDDESK_BENCH_CACHE", str(workdir / "offices"))
    for name in names:
        t = time.perf_counter()
        try:
            result = run_isolated(name, scale, workdir) if isolated else run_one(name, scale, workdir)
            for key, value in result.items():
                if key in figures:
                    raise ValueError(f"figure {key} reported twice")
                figures[key] = value
        except Exception as exc:  # noqa: BLE001 - one broken group must not hide the others' figures
            errors[name] = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=4)}"
        seconds[name] = round(time.perf_counter() - t, 2)
    load1 = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    figures["_meta"] = {"scale": scale, "groups": names, "group_seconds": seconds, "workdir": str(workdir),
                        "machine": platform.machine(), "cpus": os.cpu_count(), "load_1min_after": load1,
                        "versions": _versions(), "finished": time.strftime("%Y-%m-%dT%H:%M:%S")}
    if errors:
        figures["_errors"] = errors
    return figures


def _table(figures: dict[str, Any]) -> str:
    width = max((len(k) for k in figures if not k.startswith("_")), default=10)
    lines = [f"{k:<{width}}  {'null' if v is None else v}" for k, v in figures.items() if not k.startswith("_")]
    for name, text in figures.get("_errors", {}).items():
        lines.append(f"[{name}] 失败: {text.splitlines()[0]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run the groups, print the result."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--only", action="append", default=[], help="a group to run (repeatable, or comma-separated)")
    p.add_argument("--scale", type=float, default=1.0, help="size factor (1.0 = nominal, 0.01 = quick)")
    p.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="scratch and cache folder")
    p.add_argument("--list", action="store_true", help="list the groups and exit")
    p.add_argument("--in-process", action="store_true", help="run the groups in this process (debugging)")
    p.add_argument("--db-url", help="a PostgreSQL server for the ledger_pg group (a user that may CREATE DATABASE; "
                   "password from FIELDDESK_DB_PASSWORD); also FIELDDESK_BENCH_PG_URL")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.db_url:  # children inherit it
        os.environ[OPT_IN["ledger_pg"]] = args.db_url
    if args.child:
        os.environ.setdefault("FIELDDESK_BENCH_CACHE", str(args.workdir / "offices"))
        try:
            payload: dict[str, Any] = {"figures": run_one(args.child, args.scale, args.workdir)}
        except Exception as exc:  # noqa: BLE001 - reported by the parent under _errors
            payload = {"error": f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=6)}"}
        print(MARKER + json.dumps(payload, ensure_ascii=False), flush=True)
        return 0
    groups = discover()
    if args.list:
        print("\n".join(groups))
        return 0
    wanted = [g for item in args.only for g in item.split(",") if g] or [
        g for g in groups if g not in OPT_IN or os.environ.get(OPT_IN[g])]
    unknown = [g for g in wanted if g not in groups]
    if unknown:
        print(f"unknown group(s): {', '.join(unknown)}; known: {', '.join(groups)}", file=sys.stderr)
        return 2
    if args.scale <= 0:
        print("--scale must be > 0", file=sys.stderr)
        return 2
    args.workdir.mkdir(parents=True, exist_ok=True)
    figures = run_groups(wanted, args.scale, args.workdir, isolated=not args.in_process)
    print(json.dumps(figures, ensure_ascii=False, indent=1) if args.json else _table(figures))
    return 1 if "_errors" in figures else 0


if __name__ == "__main__":
    sys.exit(main())
