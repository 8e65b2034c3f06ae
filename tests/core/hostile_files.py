"""A corpus of hostile (and a few awkward but good) import files, built by code so
that no binary is committed. Each file is for the "incidents" kind and says what
the import check must answer: refused with a message containing `refusal`, or
imported with `rows` rows.

    python -m tests.core.hostile_files OUTDIR [--full]

writes them to OUTDIR; `--full` adds the large files of the reports (a 20,000-row
XLSX claiming the whole sheet, a 1.5 million-row XLSX, a 300 MB shared string),
which bench/import_hostile.py times."""

from __future__ import annotations

import codecs
import io
import sys
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

HEADER = ["reference", "occurred_at", "area", "victim_role", "injury", "outcome"]
GOOD_ROWS = [
    ["WM/1001", "2018-07-01 23:30", "Herefordshire", "police_officer", "yes", "charged"],
    ["WM/1002", "2018-07-02 01:15", "Shropshire", "pcso", "no", "other"],
]
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

UNREADABLE_XLSX = "not a readable XLSX workbook"
ENTITIES = "document type or entity declarations"
ENCODING = "not UTF-8 or Windows-1252"


@dataclass(frozen=True)
class Hostile:
    name: str
    build: Callable[[], bytes]
    refusal: str = ""  # a fragment of the refusal message; "" when the file imports
    rows: int = 0  # rows imported, when it imports


# XLSX by hand --------------------------------------------------------------------------


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _col(n: int) -> str:
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def _row(number: int, values: Iterable[str | None]) -> str:
    cells = "".join(
        f'<c r="{_col(i)}{number}" t="inlineStr"><is><t>{_esc(v)}</t></is></c>'
        for i, v in enumerate(values, start=1)
        if v is not None
    )
    return f'<row r="{number}">{cells}</row>'


def _rows(rows: Iterable[Iterable[str | None]]) -> Iterable[str]:
    for number, values in enumerate(rows, start=1):
        yield _row(number, values)


def sheet_xml(rows: Iterable[str], *, dimension: str = "", prolog: str = "") -> Iterable[bytes]:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}<worksheet xmlns="{NS}">'.encode()
    yield f"{dim}<sheetData>".encode()
    chunk: list[str] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= 1000:
            yield "".join(chunk).encode()
            chunk = []
    yield ("".join(chunk) + "</sheetData></worksheet>").encode()


def xlsx(
    sheet: Iterable[bytes],
    *,
    shared: Iterable[bytes] | None = None,
    workbook_prolog: str = "",
    level: int = 6,
) -> bytes:
    """A minimal workbook with one sheet, the sheet's XML streamed into the zip."""
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        + (
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            if shared is not None
            else ""
        )
        + "</Types>"
    )
    rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?>{workbook_prolog}<workbook xmlns="{NS}" xmlns:r="{REL}">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    book_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        + (f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>' if shared else "")
        + "</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", book_rels)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for piece in sheet:
                part.write(piece)
        if shared is not None:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                for piece in shared:
                    part.write(piece)
    return buffer.getvalue()


def good_xlsx() -> bytes:
    return xlsx(sheet_xml(_rows([HEADER, *GOOD_ROWS])))


def near_empty_rows(rows: int = 20_000, cell: str = "x") -> bytes:
    """The reported file: a header, then rows holding one short reference each (or
    `cell` if blank), with a dimension claiming every cell of the sheet."""
    body = (_row(n, [f"{cell}{n}" if cell.strip() else cell]) for n in range(2, rows + 2))
    return xlsx(sheet_xml([_row(1, HEADER), *body], dimension="A1:XFD1048576"), level=9)


def many_rows(rows: int) -> bytes:
    body = (f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, rows + 2))
    return xlsx(sheet_xml([_row(1, HEADER), *((b) for b in body)]), level=9)


def far_row() -> bytes:
    return xlsx(sheet_xml([_row(1, HEADER), _row(2, GOOD_ROWS[0]), _row(1_048_576, ["x"])]))


def repeated_rows(count: int) -> bytes:
    """Row elements all claiming row 2: skipped as repeats, but still counted."""
    return xlsx(sheet_xml([_row(1, HEADER), *(_row(2, GOOD_ROWS[0]) for _ in range(count))]))


def empty_cells(rows: int) -> bytes:
    """Rows of formatted empty cells, as many per row as Excel allows (16,384), then
    one good row."""
    cells = "".join(f'<c r="{_col(i)}{{n}}" s="1"/>' for i in range(1, 16_385))
    body = (f'<row r="{n}">' + cells.format(n=n) + "</row>" for n in range(2, rows + 2))
    return xlsx(sheet_xml([_row(1, HEADER), *body, _row(rows + 2, GOOD_ROWS[0])]))


def many_columns_xlsx() -> bytes:
    wide = "".join(f'<c r="{_col(i)}2"><v>1</v></c>' for i in range(1, 16_385))
    return xlsx(sheet_xml([_row(1, HEADER), f'<row r="2">{wide}</row>']))


def shared_string_cell(chars: int) -> bytes:
    def shared() -> Iterable[bytes]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="1" uniqueCount="1"><si><t>'.encode()
        block = b"A" * (1024 * 1024)
        left = chars
        while left > 0:
            yield block[: min(left, len(block))]
            left -= len(block)
        yield b"</t></si></sst>"

    sheet = sheet_xml([_row(1, HEADER), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'])
    return xlsx(sheet, shared=shared(), level=9)


def inline_cell(chars: int) -> bytes:
    return xlsx(sheet_xml([_row(1, HEADER), _row(2, ["A" * chars, *GOOD_ROWS[0][1:]])]))


def zip_bomb(megabytes: int = 300) -> bytes:
    """A sheet of spaces, honest about its size: refused from the zip's directory."""
    spaces = b" " * (1024 * 1024)

    def sheet() -> Iterable[bytes]:
        yield b'<?xml version="1.0" encoding="UTF-8"?>'
        for _ in range(megabytes):
            yield spaces
        yield from sheet_xml([_row(1, HEADER)])

    return xlsx(sheet(), level=9)


def lying_zip_bomb() -> bytes:
    """The same, but the zip's directory claims the sheet unpacks to 1,000 bytes."""
    data = bytearray(zip_bomb())
    for start in _all(data, b"PK\x01\x02"):
        length = int.from_bytes(data[start + 28 : start + 30], "little")
        if data[start + 46 : start + 46 + length] == b"xl/worksheets/sheet1.xml":
            data[start + 24 : start + 28] = (1000).to_bytes(4, "little")
    return bytes(data)


def _all(data: bytearray, needle: bytes) -> Iterable[int]:
    start = data.find(needle)
    while start != -1:
        yield start
        start = data.find(needle, start + 1)


XXE = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10))
    + "]>"
)


def xxe_sheet() -> bytes:
    return xlsx(
        sheet_xml([_row(1, HEADER), '<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row>'], prolog=XXE)
    )


def laughs_workbook() -> bytes:
    return xlsx(sheet_xml(_rows([HEADER, *GOOD_ROWS])), workbook_prolog=LAUGHS)


def laughs_shared_strings() -> bytes:
    shared = [f'<?xml version="1.0" encoding="UTF-8"?>{LAUGHS}<sst xmlns="{NS}"><si><t>&lol9;</t></si></sst>'.encode()]
    return xlsx(sheet_xml([_row(1, HEADER), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>']), shared=shared)


def utf16_xxe_sheet() -> bytes:
    xml = b"".join(sheet_xml(_rows([HEADER, *GOOD_ROWS]), prolog=XXE)).decode()
    xml = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return xlsx([codecs.BOM_UTF16_LE + xml.encode("utf-16-le")])


def formula_xlsx() -> bytes:
    row = '<row r="2"><c r="A2"><f>HYPERLINK("http://example.invalid","x")</f><v>0</v></c></row>'
    return xlsx(sheet_xml([_row(1, HEADER), row]))


def garbage_row_number() -> bytes:
    return xlsx(sheet_xml([_row(1, HEADER), '<row r="two"><c r="A2"><v>1</v></c></row>']))


def bad_shared_index() -> bytes:
    shared = [f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}"><si><t>x</t></si></sst>'.encode()]
    return xlsx(sheet_xml([_row(1, HEADER), '<row r="2"><c r="A2" t="s"><v>99</v></c></row>']), shared=shared)


def malformed_xml() -> bytes:
    return xlsx([b'<?xml version="1.0"?><worksheet xmlns="' + NS.encode() + b'"><sheetData><row r="1"><c>'])


# CSV ---------------------------------------------------------------------------------


def csv_text(rows: list[list[str]], newline: str = "\r\n") -> str:
    return "".join(",".join(row) + newline for row in rows)


GOOD_CSV = csv_text([HEADER, *GOOD_ROWS])


def mixed_line_endings() -> bytes:
    lines = [",".join(row) for row in [HEADER, *GOOD_ROWS]]
    return (lines[0] + "\r\n" + lines[1] + "\n" + lines[2] + "\r").encode()


def shift_jis() -> bytes:
    rows = [HEADER, ["テスト", "2018-07-01 23:30", "Herefordshire", "police_officer", "yes", "charged"]]
    return csv_text(rows).encode("shift_jis")


def shift_jis_kanji() -> bytes:
    rows = [HEADER, ["WM/1", "2018-07-01 23:30", "東京", "police_officer", "はい", "charged"]]
    return csv_text(rows).encode("shift_jis")


def windows_1252() -> bytes:
    rows = [HEADER, *GOOD_ROWS]
    return (csv_text(rows) + "WM/1003 ‘Café’ – Größe,2018-07-03 02:00,Shropshire,pcso,no,other\r\n").encode("cp1252")


def csv_many_columns() -> bytes:
    return (GOOD_CSV + ",".join(["x"] * 20_000) + "\r\n").encode()


def csv_giant_cell() -> bytes:
    return (GOOD_CSV + "WM/9," + "A" * 40_000 + ",x,x,x,x\r\n").encode()


def csv_giant_quoted_cell() -> bytes:
    return (GOOD_CSV + 'WM/9,"' + "A\n" * 100_000 + '",x,x,x,x\r\n').encode()


def csv_giant_line() -> bytes:
    return (GOOD_CSV + "A" * 3_000_000).encode()


def csv_many_rows(rows: int) -> bytes:
    return (csv_text([HEADER]) + "x\r\n" * rows).encode()


def pdf_as_csv() -> bytes:
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n\x00\x00\x01"


CORPUS: list[Hostile] = [
    Hostile("empty.csv", lambda: b"", "The file is empty"),
    Hostile("empty.xlsx", lambda: b"", "The file is empty"),
    Hostile("header-only.csv", lambda: csv_text([HEADER]).encode(), "header row but no data rows"),
    Hostile("header-only.xlsx", lambda: xlsx(sheet_xml(_rows([HEADER]))), "header row but no data rows"),
    Hostile("good.xlsx", good_xlsx, rows=2),
    Hostile("good.csv", lambda: GOOD_CSV.encode(), rows=2),
    Hostile("bom.csv", lambda: codecs.BOM_UTF8 + GOOD_CSV.encode(), rows=2),
    Hostile("mixed-line-endings.csv", mixed_line_endings, rows=2),
    Hostile("windows-1252.csv", windows_1252, rows=3),
    Hostile("shift-jis-katakana.csv", shift_jis, ENCODING),
    Hostile("shift-jis-kanji.csv", shift_jis_kanji, ENCODING),
    Hostile("utf-16.csv", lambda: codecs.BOM_UTF16_LE + GOOD_CSV.encode("utf-16-le"), ENCODING),
    Hostile("nul.csv", lambda: GOOD_CSV.encode() + b"WM/3\x00,x,x,x,x,x\r\n", "binary data"),
    Hostile("pdf-named.csv", pdf_as_csv, "binary data"),
    Hostile("xlsx-named.csv", good_xlsx, "binary data"),
    Hostile("csv-named.xlsx", lambda: GOOD_CSV.encode(), UNREADABLE_XLSX),
    Hostile("truncated.xlsx", lambda: good_xlsx()[: len(good_xlsx()) // 2], UNREADABLE_XLSX),
    Hostile("malformed-xml.xlsx", malformed_xml, UNREADABLE_XLSX),
    Hostile("garbage-row-number.xlsx", garbage_row_number, UNREADABLE_XLSX),
    Hostile("bad-shared-string-index.xlsx", bad_shared_index, UNREADABLE_XLSX),
    Hostile("formula.xlsx", formula_xlsx, "formula"),
    Hostile("formula.csv", lambda: (GOOD_CSV + "=HYPERLINK(A1),x,x,x,x,x\r\n").encode(), "formula"),
    Hostile("near-empty-rows.xlsx", lambda: near_empty_rows(2_000), "This cell is empty"),
    Hostile("blank-rows.xlsx", lambda: near_empty_rows(2_000, " "), "header row but no data rows"),
    Hostile("far-row.xlsx", far_row, "rows, the limit"),
    Hostile("many-columns.xlsx", many_columns_xlsx, "at most 50 columns"),
    Hostile("many-columns.csv", csv_many_columns, "at most 50 columns"),
    Hostile("giant-shared-string.xlsx", lambda: shared_string_cell(1_000_000), "characters, the limit"),
    Hostile("giant-inline-string.xlsx", lambda: inline_cell(40_000), "characters, the limit"),
    Hostile("giant-cell.csv", csv_giant_cell, "characters, the limit"),
    Hostile("giant-quoted-cell.csv", csv_giant_quoted_cell, "characters, the limit"),
    Hostile("giant-line.csv", csv_giant_line, "line of the file is longer"),
    Hostile("zip-bomb.xlsx", zip_bomb, "unpacks to more than"),
    Hostile("lying-zip-bomb.xlsx", lying_zip_bomb, UNREADABLE_XLSX),
    Hostile("dense-zip.xlsx", lambda: zip_bomb(megabytes=20), "compressed more than"),
    Hostile("xxe.xlsx", xxe_sheet, ENTITIES),
    Hostile("billion-laughs-workbook.xlsx", laughs_workbook, ENTITIES),
    Hostile("billion-laughs-shared-strings.xlsx", laughs_shared_strings, ENTITIES),
    Hostile("utf-16-xxe.xlsx", utf16_xxe_sheet, ENTITIES),
]

# The reported files, large: for the benchmark and the upload-page test only.
LARGE: list[Hostile] = [
    Hostile("report-20000-near-empty-rows.xlsx", near_empty_rows, "This cell is empty"),
    Hostile("report-1.5m-rows.xlsx", lambda: many_rows(1_500_000), "rows, the limit"),
    Hostile("report-300mb-shared-string.xlsx", lambda: shared_string_cell(300 * 1024 * 1024), "the limit"),
    Hostile("report-300mb-line.csv", lambda: (GOOD_CSV + "A" * 300 * 1024 * 1024).encode(), "longer than"),
]


def main(argv: list[str]) -> None:
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for hostile in CORPUS + (LARGE if "--full" in argv else []):
        (out / hostile.name).write_bytes(hostile.build())


if __name__ == "__main__":
    main(sys.argv[1:])
