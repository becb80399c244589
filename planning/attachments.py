"""Checks an uploaded document before it is stored: size, extension, and what the bytes really are.

The extension and the browser's content type are only claims; the first bytes (and, for
Office Open XML, the parts inside the zip) decide. A file whose content does not match its
extension is refused.
"""

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core import text

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

PDF_MAGIC = b"%PDF-"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# extension: (kind, content type, how the bytes start, the part an OOXML package must hold)
ALLOWED = {
    ".pdf": ("pdf", "application/pdf", PDF_MAGIC, None),
    ".docx": ("word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP_MAGIC, "word/document.xml"),
    ".xlsx": ("excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP_MAGIC, "xl/workbook.xml"),
    ".pptx": ("powerpoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP_MAGIC, "ppt/presentation.xml"),
    ".doc": ("word", "application/msword", OLE2_MAGIC, None),
    ".xls": ("excel", "application/vnd.ms-excel", OLE2_MAGIC, None),
    ".ppt": ("powerpoint", "application/vnd.ms-powerpoint", OLE2_MAGIC, None),
}


def max_bytes() -> int:
    return int(getattr(settings, "KAM_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def clean_name(name: str) -> str:
    """The file's base name, without any path, control characters, and at most 200 characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = text.clean_name(base)
    stem, suffix = PurePath(base).stem, PurePath(base).suffix
    return (stem[: 200 - len(suffix)] + suffix) or "document"


def check_upload(upload) -> tuple[str, str]:
    """(kind, content type) of an acceptable upload; ValidationError with a clear message otherwise."""
    limit = max_bytes()
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; attachments may be at most %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in ALLOWED:
        raise ValidationError(
            _("Only PDF, Word, Excel and PowerPoint files are accepted (%(types)s).") % {"types": ", ".join(ALLOWED)}
        )
    kind, content_type, magic, required_part = ALLOWED[suffix]
    upload.seek(0)
    head = upload.read(len(magic))
    upload.seek(0)
    mismatch = ValidationError(
        _("“%(name)s” is not really a %(suffix)s file; its content does not match its name.")
        % {"name": clean_name(upload.name), "suffix": suffix}
    )
    if head != magic:
        raise mismatch
    if required_part is not None:
        try:
            with zipfile.ZipFile(upload) as package:
                names = set(package.namelist())
        except zipfile.BadZipFile:
            raise mismatch from None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" not in names or required_part not in names:
            raise mismatch
    return kind, content_type
