"""An .xlsx workbook read fast (python-calamine) and written part by part.

An .xlsx file is a zip archive with one XML part per worksheet. Reading: python-calamine gives the cell
values about twenty times faster than openpyxl; its values are converted to what openpyxl gives (whole
numbers as ``int``, dates as ``datetime``, empty cells as ``None``). A worksheet with a formula or an
error cell is read with openpyxl instead (calamine sees only the cached result of a formula; the store
must see the formula as typed, to report it).

Writing: :class:`SheetXml` changes cells, rows and the body of one worksheet's XML in place, keeping
everything else of it (column widths, styles of existing cells, data validation, frozen panes, the
user's extra columns). :meth:`Package.write` writes a new archive in which the changed worksheets are
replaced and every other part is copied byte for byte, still compressed (shared strings and styles stay
valid: a cell written here is an inline string or a number and keeps the style index it had, or takes its
column's when it had none). A date is a day number in a cell whose own or column style shows dates; the
caller asks :meth:`SheetXml.date_style` first and writes text where there is none. The internal links of
``Hinweise`` (``<hyperlinks>``) are replaced with its body.
"""

from __future__ import annotations

import datetime as dt
import math
import posixpath
import re
import struct
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_CENTRAL_HEADER = struct.Struct("<4s6H3L5H2L")
_END_RECORD = struct.Struct("<4s4H2LH")
_DATA_DESCRIPTOR_FLAG = 0x08
_UTF8_FLAG = 0x800

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

_CELL = re.compile(r"<c\b[^>]*?(?:/>|>.*?</c>)", re.S)
_ROW_NUMBER = re.compile(r'\br="(\d+)"')
_CELL_REF = re.compile(r'\br="([A-Z]{1,3})(\d+)"')
_STYLE = re.compile(r'\bs="(\d+)"')
_SPANS = re.compile(r'\s+spans="[^"]*"')
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_FORMULA_MARKS = (b"<f>", b"<f ", b"<f/>", b't="e"')


class Unsupported(Exception):
    """This workbook (or change) is outside what the part writer handles; the caller uses openpyxl."""


@dataclass(frozen=True)
class _Entry:
    name: str
    flags: int
    method: int
    time: int
    date: int
    crc: int
    compressed: int
    size: int
    offset: int
    internal_attr: int
    external_attr: int
    version_made: int
    version_needed: int


def column_letter(index: int) -> str:
    """``1`` → ``A``, ``27`` → ``AA`` (1-based, as in the sheet)."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """``A`` → ``1``, ``AA`` → ``27``."""
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


class Package:
    """The zip entries of one .xlsx file and where its worksheets are."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with open(path, "rb") as handle:
            self.entries = _central_directory(handle)
            self._by_name = {e.name: e for e in self.entries}
            self.sheets = self._worksheets(handle)  # title → part name, in workbook order

    def stream(self, name: str, size: int = 1 << 17) -> Iterator[bytes]:
        """The part's content in pieces (each from ``size`` compressed bytes), decompressed as they are taken."""
        entry = self._by_name[name]
        with open(self.path, "rb") as own:
            raw = _raw_data(own, entry)
        if entry.method == 0:
            yield raw
            return
        if entry.method != 8:
            raise Unsupported(f"Kompression {entry.method}")
        inflater = zlib.decompressobj(-15)
        view = memoryview(raw)
        for start in range(0, len(raw), size):
            yield inflater.decompress(view[start : start + size])
        yield inflater.flush()

    def read(self, name: str, handle: IO[bytes] | None = None) -> bytes:
        entry = self._by_name[name]
        if handle is None:
            with open(self.path, "rb") as own:
                raw = _raw_data(own, entry)
        else:
            raw = _raw_data(handle, entry)
        if entry.method == 0:
            return raw
        if entry.method != 8:
            raise Unsupported(f"Kompression {entry.method}")
        return zlib.decompress(raw, -15)

    def _worksheets(self, handle: IO[bytes]) -> dict[str, str]:
        root_rels = ElementTree.fromstring(self.read("_rels/.rels", handle))
        workbook = next(
            (r.get("Target", "") for r in root_rels if r.get("Type", "").endswith("/officeDocument")), ""
        ).lstrip("/")
        if workbook not in self._by_name:
            raise Unsupported("keine Arbeitsmappe im Paket")
        folder = posixpath.dirname(workbook)
        rels_name = posixpath.join(folder, "_rels", posixpath.basename(workbook) + ".rels")
        targets: dict[str, str] = {}
        for rel in ElementTree.fromstring(self.read(rels_name, handle)):
            if rel.get("Type", "").endswith("/worksheet"):
                target = rel.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                targets[rel.get("Id", "")] = posixpath.normpath(path)
        sheets: dict[str, str] = {}
        for sheet in ElementTree.fromstring(self.read(workbook, handle)).iter(f"{{{_MAIN_NS}}}sheet"):
            part = targets.get(sheet.get(f"{{{_REL_NS}}}id", ""))
            if part is not None and part in self._by_name:
                sheets[sheet.get("name", "")] = part
        return sheets

    def write(self, out: IO[bytes], replaced: Mapping[str, bytes | Iterable[bytes | memoryview]]) -> None:
        """A copy of this package into ``out`` with the parts in ``replaced`` exchanged."""
        central: list[bytes] = []
        with open(self.path, "rb") as source:
            for entry in self.entries:
                new = replaced.get(entry.name)
                if new is None:
                    data = _raw_data(source, entry)
                    crc, size, method = entry.crc, entry.size, entry.method
                else:
                    data, crc, size = _deflate([new] if isinstance(new, bytes) else new)
                    method = 8
                name = entry.name.encode("utf-8")
                flags = (entry.flags & ~_DATA_DESCRIPTOR_FLAG) | _UTF8_FLAG
                offset = out.tell()
                out.write(
                    _LOCAL_HEADER.pack(
                        b"PK\x03\x04", max(entry.version_needed, 20), flags, method, entry.time, entry.date,
                        crc, len(data), size, len(name), 0,
                    )
                )  # fmt: skip
                out.write(name)
                out.write(data)
                central.append(
                    _CENTRAL_HEADER.pack(
                        b"PK\x01\x02", entry.version_made, max(entry.version_needed, 20), flags, method, entry.time,
                        entry.date, crc, len(data), size, len(name), 0, 0, 0, entry.internal_attr,
                        entry.external_attr, offset,
                    )
                    + name
                )  # fmt: skip
            start = out.tell()
            for record in central:
                out.write(record)
            out.write(_END_RECORD.pack(b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start, start, 0))


def _deflate(pieces: Iterable[bytes | memoryview]) -> tuple[bytes, int, int]:
    """Compressed data, CRC and size of the concatenated pieces, without concatenating them."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    out: list[bytes] = []
    crc = size = 0
    for piece in pieces:
        crc = zlib.crc32(piece, crc)
        size += len(piece)
        out.append(packer.compress(piece))
    out.append(packer.flush())
    return b"".join(out), crc, size


def _central_directory(handle: IO[bytes]) -> list[_Entry]:
    handle.seek(0, 2)
    size = handle.tell()
    tail_size = min(size, 65536 + _END_RECORD.size)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0:
        raise Unsupported("kein Zip-Verzeichnis")
    _, disk, _, _, count, cd_size, cd_offset, _ = _END_RECORD.unpack_from(tail, at)
    if disk != 0 or count == 0xFFFF or cd_offset == 0xFFFFFFFF:
        raise Unsupported("Zip64 oder mehrteilig")
    handle.seek(cd_offset)
    directory = handle.read(cd_size)
    entries: list[_Entry] = []
    pos = 0
    for _ in range(count):
        fields = _CENTRAL_HEADER.unpack_from(directory, pos)
        if fields[0] != b"PK\x01\x02":
            raise Unsupported("beschädigtes Zip-Verzeichnis")
        (_, made, needed, flags, method, time, date, crc, csize, usize, name_len, extra_len, comment_len, _,
         internal, external, offset) = fields  # fmt: skip
        raw_name = directory[pos + _CENTRAL_HEADER.size : pos + _CENTRAL_HEADER.size + name_len]
        name = raw_name.decode("utf-8" if flags & _UTF8_FLAG else "cp437")
        if 0xFFFFFFFF in (csize, usize, offset):
            raise Unsupported("Zip64")
        entries.append(_Entry(name, flags, method, time, date, crc, csize, usize, offset, internal, external, made,
                              needed))  # fmt: skip
        pos += _CENTRAL_HEADER.size + name_len + extra_len + comment_len
    return entries


def _raw_data(handle: IO[bytes], entry: _Entry) -> bytes:
    handle.seek(entry.offset)
    header = handle.read(_LOCAL_HEADER.size)
    if header[:4] != b"PK\x03\x04":
        raise Unsupported("beschädigter Zip-Eintrag")
    name_len, extra_len = struct.unpack_from("<2H", header, 26)
    handle.seek(entry.offset + _LOCAL_HEADER.size + name_len + extra_len)
    data = handle.read(entry.compressed)
    if entry.flags & 0x01:
        raise Unsupported("verschlüsselt")
    return data


# -- reading -----------------------------------------------------------------------------------------


def _openpyxl_like(value: Any) -> Any:
    """A calamine value as openpyxl gives it."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return int(value)
        return value
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def read_values(path: Path, package: Package, only: str | None = None) -> dict[str, list[list[Any]]] | None:
    """Every worksheet's cells (or only those of the tab ``only``) from row 1 and column A on, as openpyxl
    gives them; None when a worksheet cannot be patched later (the caller then uses openpyxl throughout).

    A worksheet with formulas or error cells is read with openpyxl (read-only): calamine would give the
    cached result of a formula, but the store must see the formula as it was typed."""
    from python_calamine import CalamineWorkbook

    titles = [t for t in package.sheets if only is None or t == only]
    with_formulas = []
    with open(path, "rb") as handle:
        for title in titles:
            xml = package.read(package.sheets[title], handle)
            if b"<sheetData" not in xml:
                return None
            if any(mark in xml for mark in _FORMULA_MARKS):
                with_formulas.append(title)
    result: dict[str, list[list[Any]]] = {}
    workbook = CalamineWorkbook.from_path(str(path))
    shared: dict[str, str] = {}  # one object per short text (»ja«, a Kommune, a date): a third less memory
    try:
        for title in titles:
            if title in with_formulas:
                continue
            sheet = workbook.get_sheet_by_name(title)
            # row by row, so that only the converted rows stay in memory; from A1 on
            rows = sheet.iter_rows() if sheet.start in (None, (0, 0)) else sheet.to_python(skip_empty_area=False)
            result[title] = [
                [
                    (shared.setdefault(v, v) if len(v) < 40 else v) if type(v) is str and v else _openpyxl_like(v)
                    for v in row
                ]
                for row in rows
            ]
    finally:
        workbook.close()
    if with_formulas:
        import openpyxl

        typed = openpyxl.load_workbook(path, read_only=True)
        try:
            for title in with_formulas:
                sheet = typed[title]
                sheet.reset_dimensions()  # every row as it is in the file, whatever the dimension says
                result[title] = [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            typed.close()
    return {title: result[title] for title in titles}


# -- writing one worksheet ---------------------------------------------------------------------------


def _text(value: str) -> str:
    value = _ILLEGAL.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


_EPOCH = dt.datetime(1899, 12, 30)


def serial(value: dt.date | dt.time) -> int | float:
    """A date, timestamp or time as the spreadsheet's day number (what a date cell holds)."""
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
    delta = moment.replace(tzinfo=None) - _EPOCH
    if delta.seconds == 0 and delta.microseconds == 0:
        return delta.days
    return delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400


def cell_xml(ref: str, value: Any, style: str | None) -> str:
    """One ``<c>`` element: text as an inline string (never a formula), numbers, booleans, dates as day numbers
    (shown as dates by their style)."""
    attrs = f' r="{ref}"' + (f' s="{style}"' if style is not None else "")
    if value is None:
        return f"<c{attrs}/>" if style is not None else ""
    if isinstance(value, dt.date | dt.time):
        if style is None:
            raise Unsupported("Datum ohne Datumsformat")
        value = serial(value)
    if isinstance(value, bool):
        return f'<c{attrs} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f"<c{attrs}><v>{value}</v></c>"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Unsupported("unendliche Zahl")
        return f"<c{attrs}><v>{value!r}</v></c>"
    if isinstance(value, str):
        return f'<c{attrs} t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
    raise Unsupported(f"Wert vom Typ {type(value).__name__}")


class _Row:
    """One ``<row>``: its opening tag's attributes and its cells by 1-based column."""

    def __init__(self, number: int, xml: str | None) -> None:
        self.number = number
        self.attrs = f' r="{number}"'
        self.cells: dict[int, str] = {}
        if xml is None:
            return
        end = xml.index(">")
        tag = xml[: end + 1]
        self.attrs = _SPANS.sub("", tag[4:].rstrip("/>").rstrip("/"))
        if tag.endswith("/>"):
            return
        for match in _CELL.finditer(xml, end + 1):
            ref = _CELL_REF.search(match.group(0), 0, match.group(0).find(">") + 1)
            if ref is None:
                raise Unsupported("Zelle ohne Adresse")
            self.cells[column_index(ref.group(1))] = match.group(0)

    def style(self, column: int) -> str | None:
        old = self.cells.get(column)
        if old is None:
            return None
        found = _STYLE.search(old, 0, old.find(">") + 1)
        return found.group(1) if found else None

    def set(self, column: int, value: Any, default_style: str | None = None, style: str | None = None) -> None:
        """Write a cell; it keeps its style, or takes ``default_style`` (its column's) when it has none."""
        if style is None:
            style = self.style(column) if column in self.cells else None
            if style is None:
                style = default_style
        new = cell_xml(f"{column_letter(column)}{self.number}", value, style)
        if new:
            self.cells[column] = new
        else:
            self.cells.pop(column, None)

    def xml(self) -> str:
        if not self.cells:
            return f"<row{self.attrs}/>"
        return f"<row{self.attrs}>" + "".join(self.cells[c] for c in sorted(self.cells)) + "</row>"


_ROW_BYTES = re.compile(rb"<row\b[^>]*?(?:/>|>.*?</row>)", re.S)
_ROW_NUMBER_BYTES = re.compile(rb'\br="(\d+)"')
_DIMENSION_BYTES = re.compile(rb'<dimension\s+ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"\s*/>')


_BLOCK = 1 << 20  # bytes of untouched rows kept together in one compressed block


class SheetXml:
    """The XML of one worksheet, changed row by row; untouched rows keep their exact bytes.

    Untouched rows are kept compressed, in blocks of about a megabyte of consecutive rows, with their
    positions in the block: the 100 MB worksheet of 100,000 contacts costs about 12 MB in memory instead of
    its full size (issue 10). The part is read piece by piece (:meth:`Package.stream`), a row is decoded only
    when it changes, and :meth:`chunks` streams the result piece by piece, one block at a time."""

    def __init__(self, xml: bytes | Iterable[bytes]) -> None:
        pieces = iter([xml] if isinstance(xml, bytes) else xml)
        self.blocks: list[bytes] = []
        self.rows: dict[int, tuple[int, int, int] | _Row] = {}  # row → (block, start, end) or the changed row
        self._decoded: tuple[int, bytes] | None = None
        buffer = b""
        while (start := buffer.find(b"<sheetData")) < 0 or buffer.find(b">", start) < 0:
            piece = next(pieces, None)
            if piece is None:
                raise Unsupported("kein sheetData")
            buffer += piece
        open_end = buffer.index(b">", start)
        if buffer[open_end - 1 : open_end] == b"/":
            self.head = buffer[:start] + b"<sheetData>"
            self.tail = b"</sheetData>" + buffer[open_end + 1 :] + b"".join(pieces)
        else:
            self.head = buffer[: open_end + 1]
            self.tail = self._read_rows(buffer[open_end + 1 :], pieces)
        dimension = _DIMENSION_BYTES.search(self.head)
        self.max_column = column_index((dimension.group(3) or dimension.group(1)).decode()) if dimension else 1
        self.column_styles = _column_styles(self.head)  # cells written without a style take their column's
        self.date_styles: frozenset[str] = frozenset()  # style indexes with a date format (set by the caller)

    def _read_rows(self, buffer: bytes, pieces: Iterator[bytes]) -> bytes:
        """Read the rows into compressed blocks; returns the part from ``</sheetData>`` on."""
        block = bytearray()
        spans: list[tuple[int, int, int]] = []

        def close_block() -> None:
            index = len(self.blocks)
            self.blocks.append(zlib.compress(bytes(block), 1))
            for number, begin, end in spans:
                self.rows[number] = (index, begin, end)
            block.clear()
            spans.clear()

        while True:
            body_end = buffer.find(b"</sheetData>")
            limit = body_end if body_end >= 0 else len(buffer)
            consumed = 0
            for match in _ROW_BYTES.finditer(buffer, 0, limit):
                number = _ROW_NUMBER_BYTES.search(buffer, match.start(), buffer.index(b">", match.start()) + 1)
                if number is None:
                    raise Unsupported("Zeile ohne Nummer")
                begin = len(block) + (match.start() - consumed if block else 0)
                block += buffer[consumed if block else match.start() : match.end()]
                spans.append((int(number.group(1)), begin, len(block)))
                consumed = match.end()
                if len(block) >= _BLOCK:
                    close_block()
            if body_end >= 0:
                if block:
                    close_block()
                return buffer[body_end:] + b"".join(pieces)
            piece = next(pieces, None)
            if piece is None:
                raise Unsupported("sheetData ohne Ende")
            buffer = buffer[consumed:] + piece

    def _block(self, index: int) -> bytes:
        if self._decoded is None or self._decoded[0] != index:
            self._decoded = (index, zlib.decompress(self.blocks[index]))
        return self._decoded[1]

    def _text(self, row: tuple[int, int, int] | _Row) -> str | _Row:
        if isinstance(row, _Row):
            return row
        return self._block(row[0])[row[1] : row[2]].decode("utf-8")

    def _row(self, number: int) -> _Row:
        row = self.rows.get(number)
        if not isinstance(row, _Row):
            text = None if row is None else self._text(row)
            row = _Row(number, text if isinstance(text, str) else None)
            self.rows[number] = row
        return row

    def set(self, number: int, column: int, value: Any) -> None:
        """Write one cell (1-based row and column); ``None`` empties it."""
        self._row(number).set(column, value, self.column_styles.get(column))
        self.max_column = max(self.max_column, column)

    def set_row(self, number: int, values: Iterable[tuple[int, Any]]) -> None:
        row = self._row(number)
        for column, value in values:
            row.set(column, value, self.column_styles.get(column))
            self.max_column = max(self.max_column, column)

    def date_style(self, number: int, column: int) -> str | None:
        """The style a date written into this cell gets: the cell's own, else its column's, when it shows a
        date; None when neither does (the caller then writes the date as text)."""
        row = self._row(number)
        own = row.style(column)
        style = own if own is not None else self.column_styles.get(column)
        return style if style in self.date_styles else None

    def set_date(self, number: int, column: int, value: dt.date | dt.time, style: str) -> None:
        self._row(number).set(column, value, style=style)
        self.max_column = max(self.max_column, column)

    def set_links(self, links: Iterable[tuple[str, str, str]]) -> None:
        """Replace the sheet's hyperlinks by internal links ``(cell, target, text)``, e.g. to ``'Kontakte'!C12``."""
        tail = _HYPERLINKS.sub(b"", self.tail)
        items = "".join(
            f'<hyperlink ref="{ref}" location="{_attribute(target)}" display="{_attribute(text)}"/>'
            for ref, target, text in links
        )
        if items:
            block = f"<hyperlinks>{items}</hyperlinks>".encode()
            at = _AFTER_HYPERLINKS.search(tail)
            position = at.start() if at else tail.rindex(b"</worksheet>")
            tail = tail[:position] + block + tail[position:]
        self.tail = tail

    def clear_body(self) -> None:
        """Remove every row below the header row."""
        self.rows = {n: r for n, r in self.rows.items() if n < 2}

    def delete_row(self, number: int) -> None:
        """Remove a row; the rows below move up by one."""
        moved: dict[int, tuple[int, int, int] | _Row] = {}
        for n, row in self.rows.items():
            if n < number:
                moved[n] = row
            elif n > number:
                moved[n - 1] = _renumber(self._text(row), n - 1)
        self.rows = moved

    def chunks(self) -> Iterator[bytes | memoryview]:
        """The new XML in pieces: runs of untouched rows as views of their block."""
        last = max(self.rows, default=1)
        dimension = f'<dimension ref="A1:{column_letter(self.max_column)}{last}"/>'.encode()
        yield _DIMENSION_BYTES.sub(dimension, self.head, count=1)
        run: list[int] = []  # block, start and end of the current run of untouched rows
        for number in sorted(self.rows):
            row = self.rows[number]
            if isinstance(row, _Row):
                if run:
                    yield memoryview(self._block(run[0]))[run[1] : run[2]]
                    run = []
                yield row.xml().encode("utf-8")
            elif run and row[0] == run[0] and row[1] >= run[2]:
                run[2] = row[2]
            else:
                if run:
                    yield memoryview(self._block(run[0]))[run[1] : run[2]]
                run = [row[0], row[1], row[2]]
        if run:
            yield memoryview(self._block(run[0]))[run[1] : run[2]]
        yield self.tail

    def xml(self) -> bytes:
        return b"".join(self.chunks())


_HYPERLINKS = re.compile(rb"<hyperlinks\b.*?</hyperlinks>|<hyperlinks\b[^>]*/>", re.S)
# elements that come after <hyperlinks> in a worksheet (ECMA-376 order)
_AFTER_HYPERLINKS = re.compile(
    rb"<(?:printOptions|pageMargins|pageSetup|headerFooter|rowBreaks|colBreaks|customProperties|cellWatches|"
    rb"ignoredErrors|smartTags|drawing|legacyDrawing|legacyDrawingHF|drawingHF|picture|oleObjects|controls|"
    rb"webPublishItems|tableParts|extLst)\b"
)
_COL = re.compile(rb"<col\b[^>]*>")
_ATTRIBUTE = re.compile(rb'\b(min|max|style)="(\d+)"')


def _attribute(value: str) -> str:
    return _text(value).replace('"', "&quot;")


def _column_styles(head: bytes) -> dict[int, str]:
    """1-based column → style index of the ``<col>`` elements in a worksheet's head."""
    start, end = head.find(b"<cols>"), head.find(b"</cols>")
    styles: dict[int, str] = {}
    if start < 0 or end < 0:
        return styles
    for col in _COL.finditer(head, start, end):
        attributes = {k.decode(): int(v) for k, v in _ATTRIBUTE.findall(col.group(0))}
        if "style" in attributes and "min" in attributes and "max" in attributes and attributes["style"]:
            for index in range(attributes["min"], min(attributes["max"], 16384) + 1):
                styles[index] = str(attributes["style"])
    return styles


_BUILTIN_DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})


def date_styles(styles_xml: bytes) -> frozenset[str]:
    """Indexes of the cell styles (``cellXfs``) whose number format shows a date or a time."""
    root = ElementTree.fromstring(styles_xml)
    custom = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in root.iter(f"{{{_MAIN_NS}}}numFmt")}
    xfs = root.find(f"{{{_MAIN_NS}}}cellXfs")
    found = set()
    for index, xf in enumerate(xfs if xfs is not None else []):
        number = int(xf.get("numFmtId", "0"))
        if number in _BUILTIN_DATE_FORMATS or (number in custom and _shows_date(custom[number])):
            found.add(str(index))
    return frozenset(found)


def _shows_date(code: str) -> bool:
    plain = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code).lower()
    return bool(re.search(r"[dmyhs]", plain)) and "general" not in plain


def _renumber(row: str | _Row, number: int) -> _Row:
    """A row moved to ``number`` (its own and its cells' addresses)."""
    moved = row if isinstance(row, _Row) else _Row(0, row)
    moved.number = number
    moved.attrs = _ROW_NUMBER.sub(f'r="{number}"', moved.attrs, count=1)
    moved.cells = {
        column: _CELL_REF.sub(lambda m: f'r="{m.group(1)}{number}"', cell, count=1)
        for column, cell in moved.cells.items()
    }
    return moved
