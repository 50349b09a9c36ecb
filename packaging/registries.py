"""Every module FieldDesk loads by name at run time, read from the registries themselves.

Pages, dashboard panels, commands, Excel kinds and their writers, and print fetchers are
named as strings ("module:attr") and imported when first used, so a freezer that follows
``import`` statements cannot see them. ``fielddesk.spec`` turns this list into PyInstaller
``hiddenimports`` and ``tests/ui/test_registries.py`` imports every entry, so a new command
or page added to its registry is frozen without touching the spec.

Run as a script it prints the modules, one a line.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def registry_targets() -> dict[str, list[str]]:
    """Registry name -> its "module:attr" entries (plain module names where the registry has no attr)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from desktop_app.cli.main import HANDLERS
    from desktop_app.excel.kinds import KIND_MODULES
    from desktop_app.excel.writers import TARGETS
    from desktop_app.reports.jobs import FETCHERS
    from ui.navigation import DASHBOARD_PANELS, PAGES  # Qt-free module: the page list only

    return {
        "desktop_app.cli.main.HANDLERS": sorted(HANDLERS.values()),
        "desktop_app.excel.kinds.KIND_MODULES": sorted(f"{m}:SPEC" for m in KIND_MODULES.values()),
        "desktop_app.excel.writers.TARGETS": sorted(f"{m}:{f}" for m, f in TARGETS.values()),
        "desktop_app.reports.jobs.FETCHERS": sorted(FETCHERS.values()),
        "ui.navigation.PAGES": [p.target for p in PAGES],
        "ui.navigation.DASHBOARD_PANELS": list(DASHBOARD_PANELS),
    }


#: modules loaded other than by a registry entry or an import statement
EXTRA_MODULES = (
    "resources.qt_probe",  # the selftest's Qt probe (``fielddesk --qt-probe``)
)


def hidden_imports() -> list[str]:
    """The module names of every registry entry, plus EXTRA_MODULES, sorted and unique."""
    names = {t.partition(":")[0] for targets in registry_targets().values() for t in targets}
    return sorted(names | set(EXTRA_MODULES))


if __name__ == "__main__":
    print("\n".join(hidden_imports()))
