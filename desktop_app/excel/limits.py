"""Limits against hostile spreadsheets, checked before any parser sees the file.

A clerk may be sent anything with an .xlsx name: a text file, a password-
protected workbook, a zip bomb, a sheet of a million rows. Each must end in a
clear Chinese error within seconds and in bounded memory, so the checks here
read only the zip directory and stream the sheet XML with a byte budget.
"""

from __future__ import annotations

import re
import stat
import zipfile
from pathlib import Path
from typing import IO

from desktop_app.core.errors import ImportFileError

MAX_FILE_BYTES = 300 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 800 * 1024 * 1024  # a 300k-row ledger sheet is ~450 MB of XML
MAX_MEMBER_RATIO = 200  # deflate ratio above which a large member is treated as a bomb
RATIO_CHECK_FROM = 4 * 1024 * 1024
MAX_MEMBERS = 5000
MAX_ROWS = 300_000
MAX_COLUMNS = 500
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell

ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

NOT_A_WORKBOOK = "这个文件不是 Excel 工作簿"
NOT_A_WORKBOOK_ACTION = "请选择 .xlsx 或 .xls 文件；如果是网页或文本另存的表格，请先在 Excel/WPS 中另存为 .xlsx"
ENCRYPTED = "工作簿设置了打开密码，无法读取"
ENCRYPTED_ACTION = "请输入打开密码（命令行用 --password-env 变量名），或在 Excel/WPS 中取消“打开密码”后另存，再导入"


class PasswordRequiredError(ImportFileError):
    """The workbook has an open password and none was given: the GUI asks for it, the CLI reads --password-env."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{ENCRYPTED}：{path.name}", ENCRYPTED_ACTION)
        self.path = path


class WrongPasswordError(ImportFileError):
    """The password given does not open the workbook."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"打开密码不正确，无法读取：{path.name}", "请核对打开密码（区分大小写）后重试")
        self.path = path


def sniff(path: Path, password: str | None = None) -> str:
    """'xlsx' or 'xls' by the file's first bytes (never by its name); refuses anything else.

    A named pipe, a device or a folder is refused before it is opened (opening a
    pipe would wait for a writer forever). An encrypted package needs ``password``.
    """
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise ImportFileError(f"{NOT_A_WORKBOOK}（不是普通文件）：{path.name}", NOT_A_WORKBOOK_ACTION)
        size = st.st_size
        with path.open("rb") as f:
            head = f.read(8)
    except FileNotFoundError as exc:
        raise ImportFileError(f"找不到文件：{path}", "请检查文件路径") from exc
    except OSError as exc:
        raise ImportFileError(f"无法打开文件：{path}（{exc.strerror}）", "请检查文件是否被其他程序占用") from exc
    if size == 0:
        raise ImportFileError(f"{NOT_A_WORKBOOK}（文件是空的）：{path.name}", NOT_A_WORKBOOK_ACTION)
    if size > MAX_FILE_BYTES:
        raise ImportFileError(f"文件太大（{size // (1024 * 1024)} MB），超过 {MAX_FILE_BYTES // (1024 * 1024)} MB 的上限",
                              "请把表格拆分成几个较小的文件分别导入")
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head == CFB_MAGIC:
        if cfb_is_encrypted(path) and password is None:
            raise PasswordRequiredError(path)
        return "xls"
    raise ImportFileError(f"{NOT_A_WORKBOOK}：{path.name}", NOT_A_WORKBOOK_ACTION)


def cfb_is_encrypted(path: Path) -> bool:
    """True when an OLE container holds an encrypted OOXML package (EncryptionInfo stream).

    Office saves a password-protected .xlsx as a compound file with the streams
    ``EncryptionInfo`` and ``EncryptedPackage``. Directory entries are 128-byte
    records whose names are UTF-16LE, so an aligned match is a real entry.
    """
    needles = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
    with path.open("rb") as f:
        header = f.read(512)
        sector = 1 << int.from_bytes(header[30:32], "little") if len(header) >= 32 else 512
        if sector not in (512, 4096):
            sector = 512
        data = f.read()
    for needle in needles:
        start = 0
        while True:
            i = data.find(needle, start)
            if i < 0:
                break
            if i % 128 == 0 or (i + 512 - sector) % 128 == 0:
                return True
            start = i + 1
    return False


def check_zip(path: Path | IO[bytes]) -> zipfile.ZipFile:
    """Open an .xlsx's zip directory and refuse bombs and non-workbooks; the caller closes it."""
    name = path.name if isinstance(path, Path) else "工作簿"
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(f"{NOT_A_WORKBOOK}（文件已损坏或不完整）：{name}", NOT_A_WORKBOOK_ACTION) from exc
    try:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ImportFileError(f"文件结构异常（包含 {len(infos)} 个部件），已拒绝读取：{name}",
                                  "请在 Excel/WPS 中另存为新的 .xlsx 后再导入")
        names = {i.filename for i in infos}
        if "xl/workbook.xml" not in names:
            raise ImportFileError(f"{NOT_A_WORKBOOK}（这是一个压缩包或其他 Office 文档）：{name}", NOT_A_WORKBOOK_ACTION)
        total = 0
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_CHECK_FROM and ratio > MAX_MEMBER_RATIO:
                raise ImportFileError(
                    f"文件异常：部件 {info.filename} 的压缩比为 {ratio:.0f} 倍（疑似“压缩炸弹”），已拒绝读取",
                    "请确认文件来源；正常的表格请在 Excel/WPS 中另存后再导入")
        if total > MAX_UNCOMPRESSED_BYTES:
            raise ImportFileError(
                f"文件解压后约 {total // (1024 * 1024)} MB，超过 {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB 的上限，已拒绝读取",
                "请把表格拆分成几个较小的文件分别导入")
    except BaseException:
        zf.close()
        raise
    return zf


_DIM = re.compile(rb'<(?:\w+:)?dimension[^>]*\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _count_rows(buf: bytes) -> int:
    # "<" never appears unescaped in cell text, so these are row elements (plain or prefixed)
    return buf.count(b"<row") - buf.count(b"<rowBreaks") + buf.count(b":row ")


def too_many_rows(count: int, sheet: str) -> ImportFileError:
    """The error for a sheet over the row limit."""
    return ImportFileError(
        f"工作表“{sheet}”有 {count:,} 行以上，超过一次导入 {MAX_ROWS:,} 行的上限",
        "请删除多余的空行，或把表格拆分成几个文件分别导入")


def too_many_columns(count: int, sheet: str) -> ImportFileError:
    """The error for a sheet whose values fill more columns than an import accepts."""
    return ImportFileError(f"工作表“{sheet}”有 {count} 列填有内容，超过 {MAX_COLUMNS} 列的上限",
                           "请只保留需要导入的列（可把数据复制到新的工作表）后再导入")


#: a sheet rectangle (rows × columns) above this many cells, far larger than its XML could fill, is sparse
DENSE_CELLS = 2_000_000
_LAST_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')


def _col_count(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def sparse_sheet(zf: zipfile.ZipFile, member: str, sheet: str) -> bool:
    """True when a sheet should be read by the streaming reader rather than as calamine's dense rectangle.

    That is: its XML holds more row elements than the row limit (styled empty
    rows count here), or its last row lies far below the rows it holds (a
    stray cell at row 1,048,576), or its ``<dimension>`` spans far more cells
    than the XML could fill. Refuses the sheet when more rows than the limit
    hold values. A plausible ``<dimension>`` spares the scan; it is never trusted
    to refuse a sheet (WPS writes ``A1:XEA85`` over 25 real columns). Reading
    through ``zipfile`` also enforces the sizes the zip directory declares.
    """
    try:
        info = zf.getinfo(member)
    except KeyError as exc:
        raise ImportFileError(f"工作表“{sheet}”的数据缺失，文件已损坏", "请在 Excel/WPS 中打开并另存后再导入") from exc
    elements = 0
    valued = 0
    last_row = 0
    tail = b""
    first = True
    with zf.open(info) as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                return elements > MAX_ROWS or last_row > 4 * elements + 10_000
            if first:
                first = False
                m = _DIM.search(chunk[:8192])
                if m and m[3]:
                    rows, cols = int(m[4]), _col_count(m[3].decode())
                    if rows * cols > DENSE_CELLS and rows * cols > info.file_size // 4:
                        return True  # the dimension may lie, but then calamine would allocate it: stream
                    if rows <= MAX_ROWS and info.file_size <= rows * 65536 + (1 << 20):
                        return False  # a plausible dimension: the reader's own checks cover the rest
            buf = tail + chunk
            elements += _count_rows(buf) - _count_rows(tail)
            # "</row>" closes a row; a row holds a value when a <v> or an inline string closes inside it
            parts = buf.split(b"</row>")
            tail = parts.pop()
            if len(tail) > 1 << 22:  # no row end in 4 MB: not a sheet a clerk made; keep counting elements
                tail = tail[-16:]
            valued += sum(1 for p in parts if b"</v>" in p or b"</is>" in p)
            if valued > MAX_ROWS:
                raise too_many_rows(valued, sheet)
            if parts:
                rows_here = _LAST_ROW.findall(parts[-1])
                if rows_here:
                    last_row = max(last_row, int(rows_here[-1]))
