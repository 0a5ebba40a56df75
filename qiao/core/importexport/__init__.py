"""Import and export, built once and reused by every app.

Export: `export_response(columns, rows, fmt, filename)` streams CSV or writes XLSX.
Import: see `importer.py` — validate every row first, all-or-nothing, per-row error report.
"""
