"""An accessibility checker for the PDFs the service makes, independent of the tool
that makes them: it reads the file with pikepdf as a screen reader's PDF library
would, and returns readable problems (an empty list when it finds none).

What it checks: a structure tree and the Marked flag; a document language; a title in
the document information and the XMP metadata, shown as the window title; every
Figure with alternative text (and, for charts named by the caller, the alternative
text stating each bar's value as shown); headings in order without skipped levels;
tables built of rows of header and data cells; no text outside the tags; a reading
order that follows the pages, with the title and then any "Key messages" first.

It also measures the printed size of the text drawn inside figures, so a test can
hold charts to a minimum size."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pikepdf

HEADING = re.compile(r"^/H([1-6])$")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
TABLE_PARTS = {"/THead", "/TBody", "/TFoot"}
CELLS = {"/TH", "/TD"}
SUMMARY_HEADING = "Key messages"

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF's row-vector convention: m × n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _matrix(values: Any) -> Matrix:
    a, b, c, d, e, f = (float(v) for v in values)
    return (a, b, c, d, e, f)


@dataclass
class Run:
    """A piece of text shown on a page: its marked-content id (None outside tagged
    content), whether it is an artifact, its text and its printed size in points."""

    page: int
    mcid: int | None
    artifact: bool
    text: str
    size: float


@dataclass
class Element:
    tag: str
    alt: str | None
    page: int | None
    children: list[Element] = field(default_factory=list)
    content: list[tuple[int, int]] = field(default_factory=list)  # (page, mcid) in order
    id: str | None = None
    headers: list[str] = field(default_factory=list)  # a table cell's /Headers: the IDs of its TH cells
    scope: str | None = None  # a header cell's /Scope

    def walk(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            yield from child.walk()


class _Font:
    """Decodes shown strings to Unicode with the font's ToUnicode map."""

    def __init__(self, font: pikepdf.Object) -> None:
        self.two_byte = font.get("/Subtype") == "/Type0"
        self.map: dict[int, str] = {}
        to_unicode = font.get("/ToUnicode")
        if to_unicode is not None:
            self._read_cmap(to_unicode.read_bytes().decode("latin-1"))

    @staticmethod
    def _unicode(hex_text: str) -> str:
        raw = bytes.fromhex(hex_text)
        return raw.decode("utf-16-be", errors="replace")

    def _read_cmap(self, cmap: str) -> None:
        for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
            for code, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
                self.map[int(code, 16)] = self._unicode(text)
        for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
            for start, end, target in re.findall(
                r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]*>|\[.*?\])", block
            ):
                first, last = int(start, 16), int(end, 16)
                if target.startswith("["):
                    for offset, text in enumerate(re.findall(r"<([0-9a-fA-F]*)>", target)):
                        self.map[first + offset] = self._unicode(text)
                else:
                    base = int(target[1:-1], 16)
                    for offset in range(last - first + 1):
                        self.map[first + offset] = chr(base + offset)

    def decode(self, data: bytes) -> str:
        if self.two_byte:
            codes = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data) - 1, 2)]
        else:
            codes = list(data)
        return "".join(self.map.get(code, chr(code) if not self.two_byte else "\ufffd") for code in codes)


class _Interpreter:
    """Walks a page's content (and the forms it draws) keeping the transformation
    matrices and the marked-content stack, and records every text run."""

    def __init__(self, page_number: int) -> None:
        self.page = page_number
        self.runs: list[Run] = []
        self.fonts: dict[int, _Font] = {}

    def font(self, obj: pikepdf.Object) -> _Font:
        key = obj.objgen[0] if obj.is_indirect else id(obj)
        if key not in self.fonts:
            self.fonts[key] = _Font(obj)
        return self.fonts[key]

    def run(
        self, stream: pikepdf.Object, resources: pikepdf.Object, ctm: Matrix, marks: list[tuple[bool, int | None]]
    ) -> None:
        stack: list[Matrix] = []
        text_matrix = line_matrix = IDENTITY
        font: _Font | None = None
        size = 0.0
        leading = 0.0
        for instruction in pikepdf.parse_content_stream(stream):
            operands, op = instruction.operands, str(instruction.operator)
            if op == "q":
                stack.append(ctm)
            elif op == "Q":
                ctm = stack.pop() if stack else ctm
            elif op == "cm":
                ctm = _multiply(_matrix(operands), ctm)
            elif op in ("BDC", "BMC"):
                artifact = str(operands[0]) == "/Artifact"
                mcid = None
                if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                    mcid = int(operands[1].MCID)
                parent_artifact, parent_mcid = marks[-1] if marks else (False, None)
                marks.append((artifact or parent_artifact, mcid if mcid is not None else parent_mcid))
            elif op == "EMC":
                if marks:
                    marks.pop()
            elif op == "BT":
                text_matrix = line_matrix = IDENTITY
            elif op == "Tf":
                fonts = resources.get("/Font", pikepdf.Dictionary())
                font = self.font(fonts[str(operands[0])]) if str(operands[0]) in fonts else None
                size = float(operands[1])
            elif op == "TL":
                leading = float(operands[0])
            elif op == "Tm":
                text_matrix = line_matrix = _matrix(operands)
            elif op in ("Td", "TD"):
                if op == "TD":
                    leading = -float(operands[1])
                line_matrix = text_matrix = _multiply((1, 0, 0, 1, float(operands[0]), float(operands[1])), line_matrix)
            elif op == "T*":
                line_matrix = text_matrix = _multiply((1, 0, 0, 1, 0, -leading), line_matrix)
            elif op in ("Tj", "TJ", "'", '"'):
                shown = operands[-1]
                parts = list(shown) if isinstance(shown, pikepdf.Array) else [shown]
                text = "".join(
                    font.decode(bytes(part)) if font is not None else ""
                    for part in parts
                    if isinstance(part, pikepdf.String)
                )
                m = _multiply(text_matrix, ctm)
                printed = size * math.hypot(m[2], m[3])
                artifact, mcid = marks[-1] if marks else (False, None)
                self.runs.append(Run(self.page, mcid, artifact, text, printed))
            elif op == "Do":
                xobjects = resources.get("/XObject", pikepdf.Dictionary())
                name = str(operands[0])
                if name in xobjects and xobjects[name].get("/Subtype") == "/Form":
                    form = xobjects[name]
                    matrix = _matrix(form.Matrix) if "/Matrix" in form else IDENTITY
                    depth = len(marks)
                    self.run(form, form.get("/Resources", resources), _multiply(matrix, ctm), marks)
                    del marks[depth:]


@dataclass
class Document:
    pdf: pikepdf.Pdf
    root: Element | None
    runs: list[Run]

    by_mark: dict[tuple[int, int], list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for run in self.runs:
            if run.mcid is not None:
                self.by_mark.setdefault((run.page, run.mcid), []).append(run.text)

    def text(self, element: Element) -> str:
        """The text tagged as `element` and its descendants, in order."""
        wanted = [pair for node in element.walk() for pair in node.content]
        return " ".join("".join(self.by_mark.get(pair, [])) for pair in wanted).strip()

    def figure_text_sizes(self) -> dict[str, float]:
        """For each Figure (by its alternative text, or its position), the size in
        points of the smallest text drawn inside it."""
        sizes: dict[str, float] = {}
        if self.root is None:
            return sizes
        for n, element in enumerate(e for e in self.root.walk() if e.tag == "/Figure"):
            marks = set()
            for node in element.walk():
                marks.update(node.content)
            drawn = [run.size for run in self.runs if run.mcid is not None and (run.page, run.mcid) in marks]
            if drawn:
                sizes[element.alt or f"figure {n + 1}"] = min(drawn)
        return sizes


def _pages(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: n for n, page in enumerate(pdf.pages)}


def _attributes(node: pikepdf.Object) -> list[pikepdf.Object]:
    attributes = node.get("/A")
    if attributes is None:
        return []
    items = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
    return [a for a in items if isinstance(a, pikepdf.Dictionary)]


def _element(
    node: pikepdf.Object, page: int | None, pages: dict[tuple[int, int], int], seen: set[tuple[int, int]]
) -> Element | None:
    if node.is_indirect:
        if node.objgen in seen:
            return None
        seen.add(node.objgen)
    if "/Pg" in node and node.Pg.objgen in pages:
        page = pages[node.Pg.objgen]
    alt = node.get("/Alt")
    element = Element(str(node.get("/S", "/StructTreeRoot")), str(alt) if alt is not None else None, page)
    if "/ID" in node:
        element.id = str(node.ID)
    for attributes in _attributes(node):
        if "/Headers" in attributes:
            element.headers += [str(h) for h in attributes.Headers]
        if "/Scope" in attributes:
            element.scope = str(attributes.Scope)
    kids = node.get("/K")
    if kids is None:
        return element
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int) or (isinstance(kid, pikepdf.Object) and kid._type_name == "integer"):
            if page is not None:
                element.content.append((page, int(kid)))
        elif isinstance(kid, pikepdf.Dictionary):
            kind = kid.get("/Type")
            if kind == "/MCR":
                mcr_page = pages.get(kid.Pg.objgen, page) if "/Pg" in kid else page
                if mcr_page is not None:
                    element.content.append((mcr_page, int(kid.MCID)))
            elif kind == "/OBJR":
                continue
            else:
                child = _element(kid, page, pages, seen)
                if child is not None:
                    element.children.append(child)
    return element


def read(content: bytes) -> Document:
    pdf = pikepdf.open(io.BytesIO(content))
    pages = _pages(pdf)
    root = None
    if "/StructTreeRoot" in pdf.Root:
        root = _element(pdf.Root.StructTreeRoot, None, pages, set())
    runs: list[Run] = []
    for n, page in enumerate(pdf.pages):
        interpreter = _Interpreter(n)
        interpreter.run(page.obj, page.Resources, IDENTITY, [])
        runs.extend(interpreter.runs)
    return Document(pdf, root, runs)


def _check_catalog(document: Document, language: str | None) -> list[str]:
    problems = []
    catalog = document.pdf.Root
    if "/StructTreeRoot" not in catalog:
        problems.append("No structure tree (/StructTreeRoot): the PDF is not tagged")
    mark_info = catalog.get("/MarkInfo")
    if mark_info is None or not bool(mark_info.get("/Marked", False)):
        problems.append("Not marked as tagged (/MarkInfo /Marked true)")
    lang = str(catalog.get("/Lang", "")).strip()
    if not lang:
        problems.append("No document language (/Lang)")
    elif not LANGUAGE_TAG.match(lang):
        problems.append(f"Document language {lang!r} is not a language tag")
    elif language is not None and lang != language:
        problems.append(f"Document language is {lang!r}, expected {language!r}")
    title = str(document.pdf.docinfo.get("/Title", "")).strip()
    if not title:
        problems.append("No title in the document information (/Title)")
    with document.pdf.open_metadata() as meta:
        xmp_title = str(meta.get("dc:title") or "").strip()
    if not xmp_title:
        problems.append("No title in the XMP metadata (dc:title)")
    elif title and xmp_title != title:
        problems.append(f"Titles differ: document information {title!r}, XMP {xmp_title!r}")
    preferences = catalog.get("/ViewerPreferences")
    if preferences is None or not bool(preferences.get("/DisplayDocTitle", False)):
        problems.append("The title is not shown as the window title (/ViewerPreferences /DisplayDocTitle true)")
    return problems


def _check_figures(document: Document, charts: Mapping[str, Sequence[tuple[str, str]]]) -> list[str]:
    assert document.root is not None
    problems = []
    figures = [e for e in document.root.walk() if e.tag == "/Figure"]
    for n, figure in enumerate(figures, start=1):
        if not (figure.alt or "").strip():
            where = f" on page {figure.page + 1}" if figure.page is not None else ""
            problems.append(f"Figure {n}{where} has no alternative text (/Alt)")
    for title, bars in charts.items():
        matching = [f for f in figures if f.alt and title in f.alt]
        if not matching:
            problems.append(f"No figure whose alternative text names the chart {title!r}")
            continue
        alt = matching[0].alt or ""
        for label, value in bars:
            if not re.search(re.escape(label) + r"[\s:,=-]{1,3}" + re.escape(value) + r"(?![\d.,]*\d)", alt):
                problems.append(f"Chart {title!r}: its alternative text does not state {label} as {value}: {alt!r}")
    return problems


def _check_headings(document: Document) -> list[str]:
    assert document.root is not None
    problems = []
    headings = [e for e in document.root.walk() if HEADING.match(e.tag)]
    if not headings:
        return ["No headings (H1 to H6) in the structure tree"]
    previous = 0
    for heading in headings:
        level = int(heading.tag[2])
        text = document.text(heading)
        if previous == 0 and level != 1:
            problems.append(f"The first heading is H{level} ({text!r}), not H1")
        elif level > previous + 1 and previous:
            problems.append(f"Heading level skipped: H{previous} then H{level} ({text!r})")
        if not text:
            problems.append(f"H{level} heading with no text")
        previous = level
    return problems


def _check_tables(document: Document) -> list[str]:
    assert document.root is not None
    problems = []
    for n, table in enumerate((e for e in document.root.walk() if e.tag == "/Table"), start=1):
        rows = [c for c in table.children if c.tag == "/TR"]
        rows += [r for part in table.children if part.tag in TABLE_PARTS for r in part.children if r.tag == "/TR"]
        where = f"Table {n}" + (f" on page {table.page + 1}" if table.page is not None else "")
        if not rows:
            problems.append(f"{where} has no rows (TR)")
            continue
        for row in rows:
            stray = {c.tag for c in row.children if c.tag not in CELLS}
            if stray:
                problems.append(f"{where}: a row holds {', '.join(sorted(stray))} besides TH and TD")
        cells = [cell for row in rows for cell in row.children]
        header_ids = {cell.id for cell in cells if cell.tag == "/TH" and cell.id}
        if not any(cell.tag == "/TH" for cell in cells):
            problems.append(f"{where} has no header cells (TH)")
        elif not any(cell.scope for cell in cells if cell.tag == "/TH"):
            if any(not cell.headers for cell in cells if cell.tag == "/TD"):
                problems.append(f"{where}: data cells are not tied to header cells (no /Headers, no /Scope)")
        dangling = sorted({h for cell in cells for h in cell.headers if h not in header_ids})
        if dangling:
            problems.append(f"{where}: cells name header cells that are not in the table: {', '.join(dangling[:5])}")
    for element in document.root.walk():
        for child in element.children:
            if child.tag in CELLS and element.tag != "/TR":
                problems.append(f"A {child.tag[1:]} cell outside a table row (in {element.tag[1:]})")
            if child.tag == "/TR" and element.tag not in TABLE_PARTS | {"/Table"}:
                problems.append(f"A table row outside a table (in {element.tag[1:]})")
    return problems


def _check_untagged_text(document: Document) -> list[str]:
    pages = sorted(
        {run.page + 1 for run in document.runs if run.mcid is None and not run.artifact and run.text.strip()}
    )
    return [f"Text outside the tags (neither tagged content nor an artifact) on page {page}" for page in pages]


def _letters(text: str) -> str:
    """`text` lower-cased without spaces or punctuation: line breaks and the spacing
    of extracted text do not matter when headings are compared."""
    return "".join(c for c in text.lower() if c.isalnum())


def _check_reading_order(document: Document) -> list[str]:
    assert document.root is not None
    problems = []
    last_page = 0
    for element in document.root.walk():
        for page, _mcid in element.content:
            if page < last_page:
                text = document.text(element)[:60]
                problems.append(
                    f"Reading order goes back from page {last_page + 1} to page {page + 1} ({element.tag[1:]} {text!r})"
                )
            last_page = max(last_page, page)
    headings = [e for e in document.root.walk() if HEADING.match(e.tag)]
    if not headings:
        return problems
    first = headings[0]
    title = str(document.pdf.docinfo.get("/Title", ""))
    first_text = document.text(first)
    if first.tag != "/H1" or not _letters(first_text) or _letters(first_text) not in _letters(title):
        problems.append(f"The first thing read is not the title: {first.tag[1:]} {first_text!r}")
    summary = [n for n, h in enumerate(headings) if _letters(document.text(h)) == _letters(SUMMARY_HEADING)]
    if summary:
        heading = headings[summary[0]]
        if summary[0] != 1:
            before = [document.text(h) for h in headings[1 : summary[0]]]
            problems.append(f"{SUMMARY_HEADING!r} is not read straight after the title: {before} come first")
        pages = [page for node in heading.walk() for page, _ in node.content]
        if not pages or min(pages) != 0:
            problems.append(f"{SUMMARY_HEADING!r} is not on the first page")
    return problems


def accessibility_problems(
    content: bytes,
    *,
    language: str | None = None,
    charts: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    min_figure_text_pt: float | None = None,
) -> list[str]:
    """Readable problems with the PDF `content`. `charts` maps a chart's title to its
    bars as (label, value as shown), which its alternative text must state;
    `min_figure_text_pt`, when given, is the smallest printed size allowed for text
    drawn inside figures."""
    document = read(content)
    problems = _check_catalog(document, language)
    if document.root is None:
        return problems
    problems += _check_figures(document, charts or {})
    problems += _check_headings(document)
    problems += _check_tables(document)
    problems += _check_untagged_text(document)
    problems += _check_reading_order(document)
    if min_figure_text_pt is not None:
        for name, size in document.figure_text_sizes().items():
            if size < min_figure_text_pt - 0.01:
                problems.append(f"Text in figure {name[:60]!r} is {size:.1f} pt, under {min_figure_text_pt:g} pt")
    return problems
