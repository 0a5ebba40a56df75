"""Placeholder files of the demo: a hand-written one-page PDF, a photo card drawn with Pillow,
an XLSX annex. No real documents or photos are shipped."""

from __future__ import annotations

import io
from typing import Any


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with a few lines of text (ASCII), written by hand: no PDF library needed
    for a placeholder."""

    def esc(text: str) -> str:
        text = text.encode("ascii", "replace").decode()
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream_lines = ["BT", "/F1 16 Tf", "72 770 Td", f"({esc(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        stream_lines += ["0 -22 Td", f"({esc(line)}) Tj"]
    stream_lines.append("ET")
    stream = "\n".join(stream_lines).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def demo_photo(caption: str, colour: tuple[int, int, int]) -> bytes:
    """A placeholder photo: a coloured card with the caption (no real photos in the demo)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (720, 450), colour)
    draw = ImageDraw.Draw(image)
    for i in range(0, 450, 30):
        shade = tuple(min(255, c + i // 6) for c in colour)
        draw.rectangle([0, i, 720, i + 30], fill=shade)
    draw.rectangle([40, 300, 680, 410], fill=(255, 255, 255))
    try:
        font: Any = ImageFont.load_default(size=40)
    except TypeError:  # Pillow without FreeType
        font = ImageFont.load_default()
    draw.text((60, 335), caption[:40], fill=(7, 55, 99), font=font)
    draw.text((60, 30), "Qiao demo", fill=(255, 255, 255), font=font)
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=80)
    return buf.getvalue()


def demo_xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
