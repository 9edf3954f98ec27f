"""Limits on untrusted files: how big a file an import accepts, checked before it is read.

A file from another office, a USB stick or an e-mail is input like any other: a 1 MB .xlsx may
unpack to gigabytes (one shared string of 1 GiB, thirty million tiny ones, a million rows), and
reading it whole would take minutes and all the memory. So every import asks here first:

* before the contents are read, from what the file says about itself: its size on disk; for a
  zip package (.xlsx, later the exchange package between PCs) the number of members, their
  unpacked sizes and compression ratios, all from the zip's directory. ``zipfile`` never unpacks
  more than a member's directory entry declares (past that it stops and reports a bad CRC), so
  the declared sizes bound what can come out;
* while the contents are streamed, what no header can be trusted for: rows, columns, cell
  length, the number of strings and styles, the length of one XML tag, and the bytes unpacked in
  all (a sheet named twice is read twice).

A file over a limit is refused with a :class:`LimitError` (a ``UserError``) whose Chinese
message names the file, what was found and the limit, and nothing is written.

The limits below let a lawful roster through with room to spare: an office's roster has at most
a few thousand rows; the 10,000-row roster of ``benchmarks/roster_import_bench.py`` is an
850 KB file that unpacks to 8 MB at a ratio of 9:1. Tests pass smaller :class:`Limits`.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from wsjc_desktop.errors import UserError

__all__ = [
    "DEFAULT_LIMITS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_COMPRESSION_RATIO",
    "MAX_FILE_BYTES",
    "MAX_MEMBERS",
    "MAX_PART_BYTES",
    "MAX_ROWS",
    "MAX_SHARED_STRINGS",
    "MAX_STYLES",
    "MAX_UNPACKED_BYTES",
    "MAX_XML_TOKEN_BYTES",
    "RATIO_FLOOR_BYTES",
    "LimitError",
    "LimitedZip",
    "Limits",
    "check_file_size",
    "human_size",
    "open_zip",
]

MiB = 1 << 20

MAX_FILE_BYTES = 50 * MiB
"""The file as it is on disk (.xlsx, .xls, .csv). A 50,000-row roster .xlsx is about 4 MB, its
.csv about 10 MB; an .xls or .csv is read whole into memory, so this also bounds that."""

MAX_UNPACKED_BYTES = 100 * MiB
"""A zip package unpacked: the sum of its members' declared sizes, and the bytes actually unpacked
while reading it (a part read twice counts twice). A 50,000-row roster unpacks to about 40 MB;
reading 100 MB of the densest sheet XML takes a few seconds."""

MAX_COMPRESSION_RATIO = 100
"""Unpacked size over packed size, for each member of at least :data:`RATIO_FLOOR_BYTES` and for
the package as a whole. Spreadsheet XML packs about 10:1; a zip bomb about 1000:1. (Apache POI
refuses the same ratio by default.)"""

RATIO_FLOOR_BYTES = 1 * MiB
"""A member smaller than this unpacked is not held to the ratio: a small part may pack well, and
it cannot do harm (their sum is held to :data:`MAX_UNPACKED_BYTES` all the same)."""

MAX_MEMBERS = 10_000
"""Members (files) in a zip package, counted from its end record before its directory is read.
An .xlsx has about ten, or a few hundred with pictures."""

MAX_PART_BYTES = 2 * MiB
"""A part that is parsed whole rather than streamed (an .xlsx's ``[Content_Types].xml``,
``workbook.xml``, relationships). Lawful ones are a few KB; 2 MB of them take openpyxl about a
second."""

MAX_ROWS = 50_000
"""Rows of one sheet, by row number (title and header rows count): checked against a sheet's
``<dimension>`` before its rows are read, and against every row while they are streamed, since a
dimension may lie. Five times the benchmark's 10,000-row roster; an office's has a few thousand."""

MAX_COLUMNS = 256
"""Columns of one sheet (the old .xls width, column IV); a roster has about twenty."""

MAX_CELL_CHARS = 32_767
"""Characters in one cell, the most Excel itself lets a cell hold."""

MAX_SHARED_STRINGS = 1_000_000
"""Strings in an .xlsx's shared string table, from its ``uniqueCount`` before it is read and
counted while it is read: every distinct text of a 50,000-row roster is well under this. (Its
``count`` is the number of cells that use them, which a lawful file may have more of.)"""

MAX_STYLES = 65_536
"""Cell formats, and number formats, in an .xlsx's ``styles.xml`` (Excel allows 64,000)."""

MAX_XML_TOKEN_BYTES = 1 * MiB
"""One XML tag, comment or processing instruction; expat reads such a token whole, re-scanning it
from its start every time more arrives, so a long one costs time in its length squared. Text
between tags does not count: it is read as it comes (and held to :data:`MAX_CELL_CHARS`)."""


@dataclass(frozen=True)
class Limits:
    """The limits an import checks; the defaults are the constants above."""

    max_file_bytes: int = MAX_FILE_BYTES
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES
    max_compression_ratio: int = MAX_COMPRESSION_RATIO
    ratio_floor_bytes: int = RATIO_FLOOR_BYTES
    max_members: int = MAX_MEMBERS
    max_part_bytes: int = MAX_PART_BYTES
    max_rows: int = MAX_ROWS
    max_columns: int = MAX_COLUMNS
    max_cell_chars: int = MAX_CELL_CHARS
    max_shared_strings: int = MAX_SHARED_STRINGS
    max_styles: int = MAX_STYLES
    max_xml_token_bytes: int = MAX_XML_TOKEN_BYTES

    # --- the refusals, each stating its limit -------------------------------------------------

    def rows_exceeded(self, where: str, rows: int, *, declared: bool = False) -> LimitError:
        """``where`` (工作表“…”) has ``rows`` rows by its own account (``declared``), or has a
        row numbered or counted ``rows``, past the limit."""
        found = f"记载有{rows:,}行，超过" if declared else f"的第{rows:,}行已超出"
        return LimitError(
            f"{where}{found}每张表{self.max_rows:,}行的上限，未导入任何数据。"
            "若实际数据没有这么多行，可能是表格下方有设置了格式的空行：请在Excel中删除这些行后再导入；"
            "否则请把数据分成几个文件分别导入。"
        )

    def columns_exceeded(self, where: str, columns: int) -> LimitError:
        return LimitError(
            f"{where}有{columns:,}列，超过每张表{self.max_columns:,}列的上限，未导入任何数据。"
            "请删除多余的列后再导入。"
        )

    def cell_exceeded(self, where: str) -> LimitError:
        return LimitError(
            f"{where}有单元格超过{self.max_cell_chars:,}个字符的上限（Excel单元格最多容纳"
            f"{MAX_CELL_CHARS:,}个字符），文件可能已损坏或被恶意构造，未导入任何数据。"
        )

    def count_exceeded(self, where: str, noun: str, unit: str, count: int | None, limit: int) -> LimitError:
        """``where`` has ``count`` of ``noun`` (or, when not counted to the end, more than ``limit``)."""
        found = f"有{count:,}{unit}{noun}，超过" if count is not None else f"中的{noun}超过"
        return LimitError(f"{where}{found}{limit:,}{unit}的上限，未导入任何数据。")


DEFAULT_LIMITS = Limits()


class LimitError(UserError):
    """A file over one of the :class:`Limits`: refused before (or while) it is read."""


def human_size(size: int) -> str:
    """``size`` bytes as the messages state it: 200 MB, 1.0 GB, 64 KB, 100 字节."""
    if size >= 1 << 30:
        return f"{size / (1 << 30):.1f} GB"
    if size >= MiB:
        return f"{size // MiB} MB" if size % MiB == 0 else f"{size / MiB:.1f} MB"
    if size >= 1024:
        return f"{size // 1024} KB" if size % 1024 == 0 else f"{size / 1024:.1f} KB"
    return f"{size}字节"


def check_file_size(path: Path, limits: Limits = DEFAULT_LIMITS) -> int:
    """The size of the file at ``path``; a :class:`LimitError` if it is over the limit."""
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise LimitError(
            f"文件“{path.name}”大小为{human_size(size)}，超过{human_size(limits.max_file_bytes)}的上限，"
            "未读取。"
        )
    return size


# --- zip packages -------------------------------------------------------------------------

_END = struct.Struct("<4s4H2LH")  # the end of central directory record
_END64_LOCATOR = struct.Struct("<4sLQL")
_END64 = struct.Struct("<4sQ2H2L4Q")
_END_SIGNATURE = b"PK\x05\x06"
_CENTRAL_ENTRY_BYTES = 512  # a lawful directory entry is under 200 bytes (46 + name + extras)


def _declared_members(handle: IO[bytes], size: int) -> tuple[int, int] | None:
    """(members, directory bytes) as the zip's end record states them, found as ``zipfile``
    finds it; None if the file has no end record (it is not a zip)."""
    tail_size = min(size, _END.size + 0xFFFF)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = len(tail) - _END.size
    if at < 0:
        return None
    if tail[at : at + 4] != _END_SIGNATURE:  # a comment after the record
        at = tail.rfind(_END_SIGNATURE, 0, at)
        if at < 0:
            return None
    _, _, _, _, members, directory, offset, _ = _END.unpack_from(tail, at)
    if members == 0xFFFF or 0xFFFFFFFF in (directory, offset):  # zip64: the real figures elsewhere
        where = size - tail_size + at - _END64_LOCATOR.size
        if where < 0:
            return None
        handle.seek(where)
        locator = handle.read(_END64_LOCATOR.size)
        if len(locator) < _END64_LOCATOR.size or locator[:4] != b"PK\x06\x07":
            return None
        handle.seek(_END64_LOCATOR.unpack(locator)[2])
        record = handle.read(_END64.size)
        if len(record) < _END64.size or record[:4] != b"PK\x06\x06":
            return None
        members, directory = _END64.unpack(record)[7:9]
    return members, directory


class LimitedZip(zipfile.ZipFile):
    """A zip package opened by :func:`open_zip`: a part read whole is held to
    ``max_part_bytes``, and all that is unpacked, read whole or streamed (:meth:`stream`), to
    ``max_unpacked_bytes`` in all."""

    limits: Limits = DEFAULT_LIMITS
    unpacked = 0  # bytes handed out so far

    def _count(self, size: int) -> None:
        self.unpacked += size
        if self.unpacked > self.limits.max_unpacked_bytes:
            raise LimitError(
                f"文件“{self._label}”读取时解压出的数据超过{human_size(self.limits.max_unpacked_bytes)}"
                "的上限，未导入任何数据。"
            )

    @property
    def _label(self) -> str:
        return Path(str(self.filename)).name

    def read(self, name: str | zipfile.ZipInfo, pwd: bytes | None = None) -> bytes:
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        if info.file_size > self.limits.max_part_bytes:
            raise LimitError(
                f"文件“{self._label}”中的“{info.filename}”解压后为{human_size(info.file_size)}，"
                f"超过{human_size(self.limits.max_part_bytes)}的上限，未读取。"
            )
        self._count(info.file_size)
        return super().read(info, pwd)

    def stream(self, name: str, chunk: int) -> Iterator[bytes]:
        """The member ``name`` unpacked, ``chunk`` bytes at a time (the last chunk may be shorter;
        none is empty)."""
        with self.open(name) as source:
            while data := source.read(chunk):
                self._count(len(data))
                yield data


def open_zip(path: Path, limits: Limits = DEFAULT_LIMITS, *, not_zip: str) -> LimitedZip:
    """The zip package at ``path``, once its directory says it is within ``limits``.

    Checked in this order, each before anything it guards is read: the file's size; the number
    of members and the directory's size (from the end record, before ``zipfile`` reads the
    directory); each member's unpacked size and compression ratio, their total, and the
    package's ratio. ``not_zip`` is the message for a file that is not a zip at all.
    A :class:`LimitError` names the file, what was found and the limit; a damaged directory is a
    ``UserError`` with ``not_zip``.
    """
    size = check_file_size(path, limits)
    name = path.name
    try:
        with path.open("rb") as handle:
            declared = _declared_members(handle, size)
    except OSError as exc:
        raise UserError(f"无法读取文件“{name}”：{exc.strerror or exc}") from exc
    if declared is None:
        raise UserError(not_zip)
    members, directory = declared
    if members > limits.max_members or directory > limits.max_members * _CENTRAL_ENTRY_BYTES:
        count = members if members > limits.max_members else None
        raise limits.count_exceeded(f"文件“{name}”", "部件", "个", count, limits.max_members)
    try:
        archive = LimitedZip(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UserError(not_zip) from exc
    archive.limits = limits
    try:
        _check_members(archive, size, name, limits)
    except BaseException:
        archive.close()
        raise
    return archive


def _check_members(archive: zipfile.ZipFile, size: int, name: str, limits: Limits) -> None:
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise limits.count_exceeded(f"文件“{name}”", "部件", "个", len(infos), limits.max_members)
    ceiling = human_size(limits.max_unpacked_bytes)
    ratio = limits.max_compression_ratio
    total = 0
    for info in infos:
        unpacked = info.file_size
        total += unpacked
        if unpacked > limits.max_unpacked_bytes:
            raise LimitError(
                f"文件“{name}”中的“{info.filename}”解压后为{human_size(unpacked)}，超过{ceiling}的上限，"
                "未读取。"
            )
        if unpacked >= limits.ratio_floor_bytes and unpacked > ratio * max(info.compress_size, 1):
            raise LimitError(
                f"文件“{name}”中的“{info.filename}”压缩比为{_ratio(unpacked, info.compress_size)}，"
                f"超过{ratio}:1的上限（可能是“压缩炸弹”），未读取。"
            )
    if total > limits.max_unpacked_bytes:
        raise LimitError(f"文件“{name}”解压后共{human_size(total)}，超过{ceiling}的上限，未读取。")
    if total >= limits.ratio_floor_bytes and total > ratio * max(size, 1):
        raise LimitError(
            f"文件“{name}”的压缩比为{_ratio(total, size)}，超过{ratio}:1的上限（可能是“压缩炸弹”），未读取。"
        )


def _ratio(unpacked: int, packed: int) -> str:
    return f"{unpacked / max(packed, 1):,.0f}:1"


# --- XML read as a stream -----------------------------------------------------------------


def check_xml_progress(parser: Any, fed: int, limits: Limits, where: str) -> None:
    """Refuse a document whose current token (a tag, comment, …) is over ``max_xml_token_bytes``.

    ``parser`` is a pyexpat parser that has been given ``fed`` bytes in all; its
    ``CurrentByteIndex`` stays at the start of a token it has not finished, and follows the data
    through text.
    """
    if fed - parser.CurrentByteIndex > limits.max_xml_token_bytes:
        raise LimitError(
            f"{where}中有一个XML标记超过{human_size(limits.max_xml_token_bytes)}的上限，"
            "文件可能已损坏或被恶意构造，未导入任何数据。"
        )
