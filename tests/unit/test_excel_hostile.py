"""Hostile files: each refused with a clear Chinese error, quickly, and with nothing changed in the database."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from desktop_app.core.errors import ImportFileError
from desktop_app.excel import limits
from desktop_app.excel.service import import_file
from tests.helpers.excel_sheets import counts, make_sheet

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                 'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                 '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
                 'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
                 'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
             'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
            'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
            'name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>')
WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
           'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
           'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
              '2006/main">{dim}<sheetData>')


def raw_xlsx(path: Path, rows: int, dimension: bool, filler: bytes = b"") -> Path:
    """A minimal package whose one sheet has ``rows`` rows (streamed, never held in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WB_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            dim = f'<dimension ref="A1:B{rows}"/>' if dimension else ""
            f.write(SHEET_HEAD.format(dim=dim).encode())
            f.write(filler)
            step = 10_000
            for start in range(1, rows + 1, step):
                f.write("".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>'
                                for r in range(start, min(start + step, rows + 1))).encode())
            f.write(b"</sheetData></worksheet>")
    return path


def refused(ctx, path: Path, *words: str) -> str:
    """Import ``path``; assert a Chinese ImportFileError naming ``words``, quickly, with the db unchanged."""
    before = counts(ctx.db)
    t0 = time.perf_counter()
    with pytest.raises(ImportFileError) as exc:
        import_file(ctx.db, ctx.actor, path, "ledger")
    assert time.perf_counter() - t0 < 10
    text = str(exc.value)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
    for w in words:
        assert w in text
    assert counts(ctx.db) == before
    return text


def test_text_file_named_xlsx(ctx, tmp_path: Path) -> None:
    p = tmp_path / "台账.xlsx"
    p.write_text("序号,问题描述\n1,问题\n", encoding="utf-8")
    refused(ctx, p, "不是 Excel 工作簿")


def test_html_saved_as_xls_and_empty_file(ctx, tmp_path: Path) -> None:
    p = tmp_path / "台账.xls"
    p.write_text("<html><table><tr><td>问题描述</td></tr></table></html>", encoding="utf-8")
    refused(ctx, p, "不是 Excel 工作簿")
    e = tmp_path / "空.xlsx"
    e.write_bytes(b"")
    refused(ctx, e, "空")


def test_zip_that_is_not_a_workbook(ctx, tmp_path: Path) -> None:
    p = tmp_path / "报告.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    refused(ctx, p, "不是 Excel 工作簿")


def test_truncated_workbook(ctx, tmp_path: Path) -> None:
    good = make_sheet(tmp_path / "good.xlsx", [["问题描述", "完成时限"], ["问题", "2026-06-30"]])
    p = tmp_path / "truncated.xlsx"
    p.write_bytes(good.read_bytes()[:-300])
    refused(ctx, p)


def cfb_with_entries(path: Path, names: list[str]) -> Path:
    """A compound-file container whose directory sector lists ``names`` (as Office's encrypted packages do)."""
    header = bytearray(512)
    header[:8] = limits.CFB_MAGIC
    header[26:28] = (3).to_bytes(2, "little")
    header[28:30] = (0xFFFE).to_bytes(2, "little")
    header[30:32] = (9).to_bytes(2, "little")
    header[48:52] = (0).to_bytes(4, "little")  # first directory sector
    directory = bytearray()
    for name in ["Root Entry", *names]:
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\0\0"
        entry[: len(encoded)] = encoded
        entry[64:66] = len(encoded).to_bytes(2, "little")
        directory += entry
    directory += bytes(512 - len(directory) % 512)
    path.write_bytes(bytes(header) + bytes(directory) + bytes(4096))
    return path


def test_encrypted_workbook(ctx, tmp_path: Path) -> None:
    p = cfb_with_entries(tmp_path / "加密.xlsx", ["\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"])
    refused(ctx, p, "密码")


def test_zip_bomb(ctx, tmp_path: Path) -> None:
    p = raw_xlsx(tmp_path / "bomb.xlsx", rows=10, dimension=True, filler=b" " * (60 * 1024 * 1024))
    assert p.stat().st_size < 2 * 1024 * 1024
    refused(ctx, p, "压缩")


@pytest.mark.parametrize("dimension", [True, False])
def test_a_million_rows(ctx, tmp_path: Path, dimension: bool) -> None:
    p = raw_xlsx(tmp_path / "million.xlsx", rows=1_000_000, dimension=dimension)
    refused(ctx, p, "上限")


def _inline_row(r: int, values: list[str]) -> str:
    cells = "".join(f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for c, v in enumerate(values))
    return f'<row r="{r}">{cells}</row>'


def test_a_100000_character_cell(ctx, tmp_path: Path) -> None:
    # openpyxl cuts cells at 32,767 characters when writing, so the package is written by hand
    p = tmp_path / "long.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
                           ("xl/workbook.xml", WORKBOOK), ("xl/_rels/workbook.xml.rels", WB_RELS)):
            zf.writestr(name, text)
        zf.writestr("xl/worksheets/sheet1.xml", SHEET_HEAD.format(dim="") + _inline_row(1, ["问题描述", "整改措施", "完成时限", "责任单位", "责任人"])
                    + _inline_row(2, ["正常问题", "措施", "2026-06-30", "办公室", "吴芳"])
                    + _inline_row(3, ["长" * 100_000, "措施", "2026-06-30", "办公室", "吴芳"]) + "</sheetData></worksheet>")
    before = counts(ctx.db)
    t0 = time.perf_counter()
    out = import_file(ctx.db, ctx.actor, p, "ledger")
    assert time.perf_counter() - t0 < 10
    assert out.imported == 0
    assert [(e.row, e.column) for e in out.preview.errors] == [(3, "问题描述")]
    assert "32,767" in out.preview.errors[0].message
    assert len(out.preview.rows[1]["description"]) < 300  # the preview never carries the whole cell
    assert counts(ctx.db) == before


def test_password_protected_xls(ctx, tmp_path: Path) -> None:
    """An old .xls with a FILEPASS record (what Excel writes for an 打开密码) is refused, not misread."""
    import struct

    from tests.helpers.common import SAMPLES

    data = bytearray((SAMPLES / "ledger.xls").read_bytes())
    pos = data.find(bytes.fromhex("09081000"))  # BOF of the workbook globals
    while struct.unpack_from("<H", data, pos)[0] != 0x3D:  # walk the records to WINDOW1
        pos += 4 + struct.unpack_from("<H", data, pos + 2)[0]
    data[pos:pos + 2] = struct.pack("<H", 0x2F)  # … and make it FILEPASS
    p = tmp_path / "加密.xls"
    p.write_bytes(bytes(data))
    refused(ctx, p, "密码")


def test_entity_expansion_in_the_workbook_part(ctx, tmp_path: Path) -> None:
    """A “billion laughs” workbook.xml is refused quickly instead of being expanded."""
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE workbook [{lol}]>' + WORKBOOK.split("?>", 1)[1].replace(
        'name="台账"', 'name="&l9;"')
    p = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
                           ("xl/workbook.xml", bomb), ("xl/_rels/workbook.xml.rels", WB_RELS)):
            zf.writestr(name, text)
        zf.writestr("xl/worksheets/sheet1.xml", SHEET_HEAD.format(dim="") + "</sheetData></worksheet>")
    refused(ctx, p)
