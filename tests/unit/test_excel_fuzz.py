"""Seeded fuzzing of the Excel import: mutated sample workbooks never give a traceback nor kill the app.

Each case mutates a sample (.xlsx XML parts or raw bytes, .xls bytes) with a
seeded random generator and imports it: it must either preview or raise a
``FieldDeskError`` with a Chinese message. A calamine panic or abort happens in
the worker process, so this test process — the app — stays alive. The run is
bounded in time (``FIELDDESK_FUZZ_SECONDS``, 30 s by default) so CI stays fast;
the seed of a failing case is in the assertion message.
"""

from __future__ import annotations

import io
import os
import random
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from desktop_app.core.errors import FieldDeskError
from desktop_app.excel.importer import preview
from tests.helpers.common import SAMPLES

BUDGET_S = float(os.environ.get("FIELDDESK_FUZZ_SECONDS", "30"))
MAX_CASES = 400
XLSX = ("ledger.xlsx", "questions.xlsx", "visits.xlsx", "scores.xlsx")
KIND = {"ledger.xlsx": "ledger", "ledger.xls": "ledger", "questions.xlsx": "questions", "visits.xlsx": "visits",
        "scores.xlsx": "scores"}


def _mutate_xml(text: bytes, rnd: random.Random) -> bytes:
    choice = rnd.randrange(7)
    if choice == 0:  # flip bytes
        data = bytearray(text)
        for _ in range(rnd.randint(1, 12)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        return bytes(data)
    if choice == 1:  # truncate
        return text[: rnd.randrange(len(text))]
    if choice == 2:  # a cell reference far away
        return re.sub(rb'r="[A-Z]+(\d+)"', lambda m: rnd.choice([b'r="XFD1048576"', b'r="ZZ200000"', m[0]]),
                      text, count=rnd.randint(1, 3))
    if choice == 3:  # a huge or negative number somewhere
        return re.sub(rb"\d+", lambda m: rnd.choice([b"4294967295", b"-1", b"99999999999999999999", m[0]]),
                      text, count=rnd.randint(1, 20))
    if choice == 4:  # an odd encoding declaration
        return text.replace(b'encoding="UTF-8"', rnd.choice([b'encoding="x-nope"', b'encoding="UTF-16"',
                                                             b'encoding="gb2312"']), 1)
    if choice == 5:  # duplicate a slice
        a = rnd.randrange(len(text))
        b = min(len(text), a + rnd.randrange(1, 400))
        return text[:b] + text[a:b] * rnd.randint(1, 50) + text[b:]
    return text.replace(b"<", b"<x", 1) if rnd.random() < 0.5 else text.replace(b">", b"", 1)


def _mutated_xlsx(name: str, rnd: random.Random) -> bytes:
    src = zipfile.ZipFile(SAMPLES / name)
    if rnd.random() < 0.25:  # raw bytes of the package
        data = bytearray((SAMPLES / name).read_bytes())
        for _ in range(rnd.randint(1, 10)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        return bytes(data)
    victims = [i.filename for i in src.infolist() if i.filename.endswith((".xml", ".rels"))]
    victim = rnd.choice(victims)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, _mutate_xml(body, rnd) if info.filename == victim else body)
    return out.getvalue()


def _mutated_xls(rnd: random.Random) -> bytes:
    data = bytearray((SAMPLES / "ledger.xls").read_bytes())
    for _ in range(rnd.randint(1, 10)):
        data[rnd.randrange(512, len(data))] = rnd.randrange(256)
    return bytes(data)


def test_fuzzed_workbooks_never_give_a_traceback(tmp_path: Path) -> None:
    rnd = random.Random(20261207)
    t0 = time.monotonic()
    cases = refused = 0
    while cases < MAX_CASES and time.monotonic() - t0 < BUDGET_S:
        seed = rnd.randrange(1 << 30)
        case = random.Random(seed)
        name = case.choice((*XLSX, "ledger.xls"))
        data = _mutated_xls(case) if name.endswith(".xls") else _mutated_xlsx(name, case)
        path = tmp_path / f"fuzz-{seed}{Path(name).suffix}"
        path.write_bytes(data)
        try:
            preview(path, KIND[name], year=2026)
        except FieldDeskError as exc:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.message), (seed, name, exc.message)
            refused += 1
        except BaseException as exc:  # noqa: BLE001 — the point of the test
            raise AssertionError(f"seed {seed} ({name}): {type(exc).__name__}: {exc}") from exc
        path.unlink()
        cases += 1
    assert cases >= 20, f"only {cases} cases ran in {BUDGET_S} s"
    assert refused > 0  # the mutations do damage files


def test_cli_on_damaged_files_prints_no_traceback(tmp_path: Path) -> None:
    """Through the real command line: exit 1 and one Chinese line on stderr, never a traceback."""
    hostile = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
    data = tmp_path / "data"
    env = {**os.environ, "FIELDDESK_DATA_DIR": str(data)}
    subprocess.run([sys.executable, "-m", "desktop_app", "init", "--office-code", "532801", "--office-name",
                    "景洪市乡村振兴局"], check=True, env=env, capture_output=True)
    for name in ("xls_bad_dimensions_1.xls", "damaged_deflate.xlsx"):
        p = subprocess.run([sys.executable, "-m", "desktop_app", "import-excel", str(hostile / name), "--kind",
                            "ledger"], env=env, capture_output=True, text=True, timeout=60)
        assert p.returncode == 1, (name, p.stderr)
        assert "Traceback" not in p.stderr and "文件已损坏或结构异常" in p.stderr and name in p.stderr
