"""Importing several bundles at once (批量导入): a folder from a USB stick, or several chosen files.

One code path for the CLI (``import-bundle FILE|FOLDER…``) and the exchange page:
the files are put in a sensible order — by sender, then by each sender's bundles in
the order it wrote them (its clock), so a gap in one bundle is filled by an earlier
one of the same batch — and a bundle still refused only for a gap is tried again
once the others are in (bundles relayed by another office can fill it too). Each
bundle is imported in its own transaction; a preview runs them all in one
transaction that is rolled back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from db.engine import Database
from desktop_app.core.audit import Actor
from desktop_app.core.config import DataDir
from desktop_app.core.errors import SyncError, ValidationError
from desktop_app.sync.apply import ImportReport, import_bundle, preview_batch
from desktop_app.sync.bundle_format import BUNDLE_SUFFIX
from desktop_app.sync.bundle_reader import peek_manifest

_SUMMARY = {"dry-run": "预览可导入", "applied": "已导入", "already-imported": "此前已导入（不再重复导入）",
            "rejected": "已拒绝"}
BatchProgress = Callable[[int, int, str], None]

STATUS_LABELS = {"applied": "已导入", "already-imported": "此前已导入，未做改动", "rejected": "已拒绝",
                 "dry-run": "预览（未写入）"}


def bundle_files(names: list[str | Path]) -> list[Path]:
    """The files to import: folders expand to their bundles (not recursively); duplicates dropped."""
    files: list[Path] = []
    for n in names:
        p = Path(n)
        if p.is_dir():
            files.extend(sorted(p.glob(f"*{BUNDLE_SUFFIX}")))
        else:
            files.append(p)
    if not files:
        raise ValidationError("没有找到要导入的数据包", f"请指定 {BUNDLE_SUFFIX} 文件或包含数据包的文件夹")
    seen: set[Path] = set()
    out: list[Path] = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def order_bundles(files: list[Path], keys_dir: Path | None = None) -> list[Path]:
    """Sender by sender, each sender's bundles in the order it made them (its clock stamp, then the
    lowest sequence number it carries); files whose manifest cannot be read go last, by name
    (their import will say why they are refused)."""
    def key(f: Path) -> tuple[int, str, int, int, str]:
        try:
            m = peek_manifest(f, keys_dir)
            sender = str(m.get("from_office") or "")
            created = m.get("created")
            raw_ranges = m.get("ranges")
            ranges: dict[str, Any] = raw_ranges if isinstance(raw_ranges, dict) else {}
            lows = [r[0] for r in ranges.values() if isinstance(r, list) and r and isinstance(r[0], int)]
            return (0, sender, created if isinstance(created, int) else 0, min(lows, default=0), f.name)
        except SyncError:
            return (1, "", 0, 0, f.name)
    return sorted(files, key=key)


@dataclass
class BatchResult:
    """Per file, in the order they were applied (or previewed)."""

    reports: list[ImportReport] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many bundles ended with ``status``."""
        return sum(1 for r in self.reports if r.status == status)

    @property
    def ok(self) -> bool:
        """True when no bundle was refused."""
        return self.count("rejected") == 0

    def summary(self) -> str:
        """One line for the whole batch (Chinese)."""
        parts = [f"{label} {self.count(st)} 个" for st, label in _SUMMARY.items() if self.count(st)]
        return f"共 {len(self.reports)} 个数据包：" + "，".join(parts)


def import_batch(db: Database, data: DataDir, actor: Actor, files: list[Path], dry_run: bool = False,
                 progress: BatchProgress | None = None) -> BatchResult:
    """Import (or, with ``dry_run``, preview together) several bundles in a sensible order.

    Each real import is its own transaction, so a refused bundle leaves the others applied.
    """
    ordered = order_bundles(list(files), data.keys)
    if dry_run:
        return BatchResult(preview_batch(db, data, actor, ordered, progress))
    reports: dict[Path, ImportReport] = {}
    pending = list(ordered)
    done = 0
    while pending:
        moved = False
        retry: list[Path] = []
        for f in pending:
            if progress:
                progress(done, len(ordered), f"正在导入 {f.name}…")
            r = import_bundle(db, data, actor, f)
            reports[f] = r
            if r.status == "rejected" and r.gap:
                retry.append(f)
                continue
            moved = moved or r.status == "applied"
            done += 1
        pending = retry if moved else []
    if progress:
        progress(len(ordered), len(ordered), "导入完成")
    return BatchResult([reports[f] for f in ordered])


def report_text(r: ImportReport, labels: dict[str, str] | None = None) -> str:
    """A bundle's outcome in a few lines of Chinese: status, per-table counts, refusals and warnings."""
    labels = labels or {}
    status = {**STATUS_LABELS, "rejected": "已拒绝，未做任何改动"}.get(r.status, r.status)
    lines = [f"{Path(r.file).name}：{status}（来自 {r.from_office or '未知单位'}）"]
    for t, rep in sorted(r.tables.items()):
        lines.append(f"  {labels.get(t, t)}：新增 {rep.created}，更新 {rep.updated}，未变 {rep.unchanged}，"
                     f"冲突 {rep.conflicts}，拒绝 {rep.rejected}")
    lines += [f"  ! {e}" for e in r.errors] + [f"  注意：{w}" for w in r.warnings]
    return "\n".join(lines)
