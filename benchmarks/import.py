"""Import benchmark: student rows from XLSX, against the bare read of the same file.

    .venv/bin/python benchmarks/import.py [--rows 100000] [--repeat 5] [--import-repeat 2]

Generates one XLSX of N student rows (15 columns, as the import template has them), then times,
interleaved, best (and median) of --repeat runs (--import-repeat for step 3, the slow one):

1. bare read: openpyxl's fastest read of every row (read_only=True, values_only=True);
2. parse + validate: qiao's `validate_file`: the defensive reader (zip checks, formula and
   control-character checks, empty-row bound), header mapping and every row through the people
   kind's validation, with no write;
3. full import: `run_import`, i.e. 2 plus the commit (bulk_create of people and affiliations,
   one audit entry) on SQLite, into a fresh organisation each time.

The target, parse + validate ≤ 2× the bare read, applies to step 2. Step 3 is reported for what
it is. Everything runs on a throwaway SQLite database in a temporary directory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HEADER = [
    "kind",
    "family_name",
    "given_name",
    "native_name",
    "email",
    "phone",
    "date_of_birth",
    "nationality",
    "student_number",
    "major",
    "department",
    "cohort_year",
    "title",
    "start",
    "end",
]
FAMILY = [("Li", "李"), ("Wang", "王"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈")]
GIVEN = [("Hua", "华"), ("Wei", "伟"), ("Fang", "芳"), ("Min", "敏"), ("Jing", "静"), ("Lei", "磊")]


def setup_django(workdir: Path) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ["QIAO_VAR_DIR"] = str(workdir)
    os.environ["DEBUG"] = "0"  # DEBUG would keep every SQL statement in memory
    os.environ.setdefault("SECRET_KEY", "benchmark-" + secrets.token_urlsafe(40))
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "qiao.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def student_row(i: int) -> list[Any]:
    family, family_zh = FAMILY[i % len(FAMILY)]
    given, given_zh = GIVEN[i % len(GIVEN)]
    return [
        "student",
        family,
        f"{given} {i}",
        family_zh + given_zh,
        f"s{i:06d}@students.example",
        f"138 {i % 10_000:04d} {i % 7919:04d}",
        dt.date(2004 + i % 4, 1 + i % 12, 1 + i % 28),
        "CN",
        f"2024{i:06d}",
        "510201",
        "School of Computer Engineering",
        2024,
        None,
        "2024-09-01",
        None,
    ]


def write_openpyxl(path: Path, rows: int) -> None:
    """openpyxl's write-only output: inline strings, and no <dimension> tag."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("students")
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append(student_row(i))
    workbook.save(path)


_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="students" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}


def write_excel_like(path: Path, rows: int) -> None:
    """What Excel writes: a shared-string table, a <dimension> tag, dates as styled serials."""
    import zipfile
    from xml.sax.saxutils import escape

    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(i + 1) for i in range(len(HEADER))]
    strings: dict[str, int] = {}
    epoch = dt.date(1899, 12, 30)

    def cell(ref: str, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.date):
            return f'<c r="{ref}" s="1"><v>{(value - epoch).days}</v></c>'
        if isinstance(value, int):
            return f'<c r="{ref}"><v>{value}</v></c>'
        index = strings.setdefault(value, len(strings))
        return f'<c r="{ref}" t="s"><v>{index}</v></c>'

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                (
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    f'<dimension ref="A1:{letters[-1]}{rows + 1}"/><sheetData>'
                ).encode()
            )
            for number in range(1, rows + 2):
                values = HEADER if number == 1 else student_row(number - 2)
                cells = "".join(
                    cell(f"{c}{number}", v) for c, v in zip(letters, values, strict=True)
                )
                sheet.write(f'<row r="{number}">{cells}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")
        with archive.open("xl/sharedStrings.xml", "w") as table:
            table.write(
                (
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                    f'uniqueCount="{len(strings)}">'
                ).encode()
            )
            for text in strings:
                table.write(f"<si><t>{escape(text)}</t></si>".encode())
            table.write(b"</sst>")


def make_school(n: int) -> Any:
    from qiao.core.services import organisations

    school = organisations.organisation_create(
        actor=None, kind="vocational_college", name=f"Benchmark Polytechnic {n}", country="CN"
    )
    department = organisations.department_create(
        actor=None, organisation=school, name="School of Computer Engineering"
    )
    organisations.major_create(
        actor=None, organisation=school, code="510201", name="Cloud", department=department
    )
    return school


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--import-repeat", type=int, default=2)
    parser.add_argument(
        "--writer",
        choices=("excel", "openpyxl"),
        default="excel",
        help="excel: shared strings and a dimension tag, as Excel saves (default); openpyxl: "
        "openpyxl's write-only output (inline strings, no dimension tag)",
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="qiao-bench-import-"))
    try:
        run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, workdir: Path) -> None:
    setup_django(workdir)

    from django.conf import settings
    from openpyxl import load_workbook

    from qiao.core.importexport import importer
    from qiao.core.importexport.registry import ImportContext, get_import
    from qiao.core.services import accounts

    path = workdir / "students.xlsx"
    started = time.perf_counter()
    (write_excel_like if args.writer == "excel" else write_openpyxl)(path, args.rows)
    print(
        f"generated {path.name}: {args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB "
        f"in {time.perf_counter() - started:.1f} s"
    )

    kind = get_import("people")
    assert kind is not None
    actor = accounts.user_create(actor=None, email="bench@example.org", is_superuser=True)
    schools = [make_school(n) for n in range(args.import_repeat + 1)]

    def bare_read() -> int:
        workbook = load_workbook(path, read_only=True, data_only=True)
        count = sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()
        return count - 1

    def parse_and_validate() -> int:
        ctx = ImportContext(actor=actor, organisation=schools[0])
        with path.open("rb") as file:
            result, cleaned = importer.validate_file(kind, file, ctx, filename=path.name)
        assert result.ok, result.errors[:5]
        return len(cleaned)

    def full_import(school: Any) -> Callable[[], int]:
        def run() -> int:
            ctx = ImportContext(actor=actor, organisation=school)
            with path.open("rb") as file:
                result = importer.run_import(kind, file, ctx, filename=path.name)
            assert result.ok and result.created == args.rows, result.errors[:5]
            return result.created

        return run

    steps = {
        "bare read (openpyxl read_only, values_only)": bare_read,
        "parse + validate (qiao validate_file)": parse_and_validate,
    }
    times: dict[str, list[tuple[float, float]]] = {}
    for attempt in range(args.repeat):
        plan = dict(steps)
        if attempt < args.import_repeat:
            plan["full import incl. DB commit (qiao run_import)"] = full_import(
                schools[attempt + 1]
            )
        for name, fn in plan.items():
            wall, cpu, rows = timed(fn)
            assert rows == args.rows, (name, rows)
            times.setdefault(name, []).append((wall, cpu))
            print(f"  run {attempt + 1}: {name}: {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)

    base_wall = min(w for w, _c in times[next(iter(times))])
    base_cpu = min(c for _w, c in times[next(iter(times))])
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print()
    print(
        f"Import benchmark: {args.rows:,} student rows x {len(HEADER)} columns, XLSX as "
        f"{'Excel' if args.writer == 'excel' else 'openpyxl write-only'} writes it "
        f"({path.stat().st_size / 1e6:.1f} MB), best of {args.repeat} (import: "
        f"{args.import_repeat}), database {database}, "
        f"Python {sys.version.split()[0]}"
    )
    print()
    print("| step | wall s (best) | wall s (median) | CPU s (best) | rows/s | × bare read |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, samples in times.items():
        wall = min(w for w, _c in samples)
        median = statistics.median(w for w, _c in samples)
        cpu = min(c for _w, c in samples)
        print(
            f"| {name} | {wall:.2f} | {median:.2f} | {cpu:.2f} | {args.rows / wall:,.0f} | "
            f"{wall / base_wall:.2f} (CPU {cpu / base_cpu:.2f}) |"
        )
    bare = times["bare read (openpyxl read_only, values_only)"]
    ours = times["parse + validate (qiao validate_file)"]
    best = min(w for w, _c in ours) / base_wall
    median = statistics.median(w for w, _c in ours) / statistics.median(w for w, _c in bare)
    cpu_ratio = min(c for _w, c in ours) / base_cpu
    print()
    print(
        f"Target: parse + validate <= 2x the bare read. Wall clock, best of each: {best:.2f}x "
        f"({'met' if best <= 2 else 'NOT met'}); median of each: {median:.2f}x; CPU time, best "
        f"of each: {cpu_ratio:.2f}x ({'met' if cpu_ratio <= 2 else 'NOT met'})."
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Peak memory of the process: {peak:,.0f} MB.")


if __name__ == "__main__":
    main()
