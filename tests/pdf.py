"""Reading the PDFs WeasyPrint writes, for tests: it packs objects into compressed streams."""

import re
import zlib


def pdf_chunks(pdf: bytes) -> list[bytes]:
    """The PDF and each of its streams decompressed."""
    chunks = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, flags=re.S):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return chunks


def pdf_title(pdf: bytes) -> str:
    """The document title of the PDF's info dictionary (written as UTF-16 hex), or ''."""
    for chunk in pdf_chunks(pdf):
        match = re.search(rb"/Title\s*<feff([0-9a-fA-F]+)>", chunk, flags=re.I)
        if match:
            return bytes.fromhex(match.group(1).decode()).decode("utf-16-be")
    return ""
