"""The build report of ``packaging/build.sh``: sizes, file count and the glibc floor.

    python packaging/report.py glibc-floor dist/fielddesk
    python packaging/report.py report dist/fielddesk DEB TGZ [--freeze-seconds N] [--json OUT]

The glibc floor is the highest ``GLIBC_x.y`` symbol version that any bundled ELF file
requires (read with ``objdump -T`` from binutils): a PC whose glibc is older cannot start
the build. ``report`` exits 1 when a size target is exceeded, naming it.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

#: the app's own budget (~240 MB / ~100 MB) plus the rare-name-character fonts it ships since issue #16
#: (花園明朝 A/B, resources/fonts/extra: 53.5 MB on disk, ~30 MB compressed)
ONE_FOLDER_LIMIT_MB = 300
ARCHIVE_LIMIT_MB = 135
_GLIBC = re.compile(r"GLIBC_(\d+)\.(\d+)(?:\.(\d+))?")


def elf_files(folder: Path) -> list[Path]:
    """Every regular ELF file under ``folder`` (symlinks are counted once, as their target)."""
    out = []
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.is_symlink():
            with p.open("rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    out.append(p)
    return out


def glibc_needs(path: Path) -> tuple[int, ...] | None:
    """The highest GLIBC_x.y version ``path`` requires, or None if it needs none."""
    text = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True, check=False).stdout
    versions = [tuple(int(g) for g in m.groups() if g is not None) for m in _GLIBC.finditer(text)]
    return max(versions) if versions else None


def glibc_floor(folder: Path) -> tuple[str, list[str]]:
    """("2.34", [files needing exactly that]) over every ELF file in the folder."""
    needs = {p: v for p in elf_files(folder) if (v := glibc_needs(p)) is not None}
    if not needs:
        return "", []
    top = max(needs.values())
    return ".".join(map(str, top)), sorted(str(p.relative_to(folder)) for p, v in needs.items() if v == top)


def folder_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) of a folder, symlinks not followed."""
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def _mb(n: int) -> float:
    return round(n / 1_000_000, 1)


def main(argv: list[str] | None = None) -> int:
    """Command line: glibc-floor | report."""
    p = argparse.ArgumentParser(prog="report.py")
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("glibc-floor")
    g.add_argument("folder", type=Path)
    r = sub.add_parser("report")
    r.add_argument("folder", type=Path)
    r.add_argument("deb", type=Path)
    r.add_argument("archive", type=Path)
    r.add_argument("--freeze-seconds", type=int, default=0)
    r.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    if args.cmd == "glibc-floor":
        print(glibc_floor(args.folder)[0])
        return 0
    size, files = folder_size(args.folder)
    floor, by = glibc_floor(args.folder)
    data = {
        "one_folder_mb": _mb(size), "one_folder_files": files, "elf_files": len(elf_files(args.folder)),
        "deb_file": args.deb.name, "deb_mb": _mb(args.deb.stat().st_size),
        "archive_file": args.archive.name, "archive_mb": _mb(args.archive.stat().st_size),
        "glibc_floor": floor, "glibc_floor_files": by, "freeze_seconds": args.freeze_seconds,
        "limits_mb": {"one_folder": ONE_FOLDER_LIMIT_MB, "archive": ARCHIVE_LIMIT_MB},
    }
    over = []
    if data["one_folder_mb"] > ONE_FOLDER_LIMIT_MB:
        over.append(f"one-folder build {data['one_folder_mb']} MB > {ONE_FOLDER_LIMIT_MB} MB")
    if data["archive_mb"] > ARCHIVE_LIMIT_MB:
        over.append(f"portable archive {data['archive_mb']} MB > {ARCHIVE_LIMIT_MB} MB")
    data["over_limits"] = over
    shown = ", ".join(by[:4]) + (f" … (+{len(by) - 4})" if len(by) > 4 else "")
    print(f"""FieldDesk build report
  one-folder   {args.folder}: {data['one_folder_mb']} MB, {files} files ({data['elf_files']} ELF)   limit {ONE_FOLDER_LIMIT_MB} MB
  .deb         {args.deb}: {data['deb_mb']} MB
  portable     {args.archive}: {data['archive_mb']} MB   limit {ARCHIVE_LIMIT_MB} MB
  glibc floor  GLIBC_{floor} (needed by {shown})
  freeze time  {args.freeze_seconds} s""")
    if args.json:
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    if over:
        print("packaging/build.sh: 构建失败 (build failed): over the size target: " + "; ".join(over), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
