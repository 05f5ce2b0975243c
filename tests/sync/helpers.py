"""Building workbooks the way other programs write them, for the roster and fuzz tests."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook


def wps_roster(path: Path, people: list[dict[str, Any]], wrong_dimension: bool = True) -> Path:
    """A 花名册 as a street office makes it in WPS: a merged title row, a 填报 line, headers in
    their own order, a blank row, a merged 工作单位 column, dates in several forms."""
    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet["A1"] = "河东街道在职党员进社区报到花名册"
    sheet.merge_cells("A1:I1")
    sheet["A2"] = "填报单位：河东街道党工委        填报日期：2026年3月1日"
    sheet.merge_cells("A2:I2")
    headers = ["序号", "党员姓名", "公民身份号码", "性别", "手机号码", "工作单位", "入党时间",
               "居住小区", "楼栋", "单元"]
    for col, header in enumerate(headers, start=1):
        sheet.cell(row=3, column=col, value=header)
    row = 4
    for index, person in enumerate(people, start=1):
        if index == 3:
            row += 1  # a blank row in the middle
        values = [index, person.get("name"), person.get("id"), person.get("gender"),
                  person.get("mobile"), person.get("unit"), person.get("join"),
                  person.get("compound"), person.get("building"), person.get("unit_no")]
        for col, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row=row, column=col, value=value)
        row += 1
    # The first two people share one merged 工作单位 cell.
    sheet.merge_cells(start_row=4, start_column=6, end_row=5, end_column=6)
    sheet.cell(row=row + 1, column=1, value="填表人：王芳")
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if wrong_dimension:
        data = rewrite_entry(data, "xl/worksheets/sheet1.xml",
                             lambda xml: re.sub(rb'<dimension ref="[^"]*"/>',
                                                b'<dimension ref="A1"/>', xml))
    path.write_bytes(data)
    return path


def rewrite_entry(data: bytes, name: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == name:
                content = change(content)
            target.writestr(info.filename, content)
    return out.getvalue()


def dates() -> list[Any]:
    return ["2010.7.1", "2012年5月4日", "20150701", dt.datetime(2018, 6, 30), 40000.0,
            "２０１９－０７－０１"]


def ods_roster(path: Path, rows: list[list[Any]]) -> Path:
    """A minimal LibreOffice Calc file (strings and floats) for the same roster shape."""
    from xml.sax.saxutils import escape

    def cell(value: Any) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, float | int):
            return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>")
        return (f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
                "</text:p></table:table-cell>")

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>"
                   for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="花名册">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path
