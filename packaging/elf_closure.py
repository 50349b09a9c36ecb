"""Which bundled shared libraries are still needed once unused Qt plugins are dropped (Linux, ELF).

PyInstaller collects every dependency of every plugin before the spec drops plugins, so the
libraries only a dropped plugin used (GTK for the gtk3 theme, Wayland, EGLFS …) would stay.
``prune_unneeded`` keeps the files that are not plain shared libraries (extensions, plugins,
the executable's Python), follows their DT_NEEDED entries through the bundle, and drops the
libraries nothing reaches. It reads ELF headers with ``readelf`` from binutils.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from pathlib import PurePosixPath

Entry = tuple[str, str, str]  # (destination in the bundle, source path or link target, typecode)
_NEEDED = re.compile(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]")


def needed(path: str) -> list[str]:
    """The DT_NEEDED sonames of one ELF file (empty for a file that is not ELF)."""
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True, check=False).stdout
    return _NEEDED.findall(out)


def _is_plain_lib(entry: Entry) -> bool:
    dest = PurePosixPath(entry[0])
    name = dest.name
    if entry[2] not in ("BINARY", "SYMLINK") or not name.startswith("lib") or ".so" not in name:
        return False
    if name.startswith("libpython"):
        return False
    # libraries at the top of the bundle, in Qt's lib folder, or in a wheel's vendored *.libs folder
    return len(dest.parts) == 1 or "/Qt/lib/" in entry[0] or dest.parts[0].endswith(".libs")


def prune_unneeded(binaries: list[Entry], datas: list[Entry],
                   always: Iterable[str] = ()) -> tuple[list[Entry], list[Entry], list[str]]:
    """(binaries, datas, dropped destinations) with the unreached plain shared libraries removed."""
    entries = list(binaries) + [d for d in datas if d[2] == "SYMLINK"]
    by_name: dict[str, list[Entry]] = {}
    by_dest = {e[0]: e for e in entries}
    for e in entries:
        by_name.setdefault(PurePosixPath(e[0]).name, []).append(e)
    always = tuple(always)
    todo = [e for e in entries if not _is_plain_lib(e) or PurePosixPath(e[0]).name.startswith(always)]
    reached: set[str] = {e[0] for e in todo}
    while todo:
        e = todo.pop()
        if e[2] == "SYMLINK":
            target = str(PurePosixPath(e[0]).parent / e[1]) if not e[1].startswith("/") else e[1]
            nxt = [by_dest[t] for t in (target, e[1]) if t in by_dest]
        else:
            nxt = [x for soname in needed(e[1]) for x in by_name.get(soname, [])]
        for x in nxt:
            if x[0] not in reached:
                reached.add(x[0])
                todo.append(x)
    dropped = sorted(e[0] for e in entries if _is_plain_lib(e) and e[0] not in reached)
    gone = set(dropped)
    return ([b for b in binaries if b[0] not in gone], [d for d in datas if d[0] not in gone], dropped)
