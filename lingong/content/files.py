"""Checking uploaded attachments: what a file is comes from its first bytes (and, for Office documents, its
inside), never from the name or the type the browser sent, so a renamed program is refused."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

MAX_FILES_PER_ARTICLE = 20
DEFAULT_MAX_MB = 20
TYPE_HINT = "只能上传 PDF、图片（JPG、PNG、GIF、WEBP）或 Office 文档（Word、Excel、PowerPoint）"

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc, .xls and .ppt
ZIP_MAGIC = b"PK\x03\x04"
# extension → (content type, the folder an Office Open XML package of that kind must contain)
OOXML = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ppt/"),
}
OLE = {"doc": "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint"}
SIGNATURES: list[tuple[bytes, str, set[str]]] = [
    (b"%PDF-", "application/pdf", {"pdf"}),
    (b"\xff\xd8\xff", "image/jpeg", {"jpg", "jpeg"}),
    (b"\x89PNG\r\n\x1a\n", "image/png", {"png"}),
    (b"GIF87a", "image/gif", {"gif"}),
    (b"GIF89a", "image/gif", {"gif"}),
]


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    name: str
    content_type: str
    ext: str


def max_bytes() -> int:
    return int(getattr(settings, "CONTENT_ATTACHMENT_MAX_MB", DEFAULT_MAX_MB)) * 1024 * 1024


def _is_ooxml(upload: UploadedFile, folder: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)


def sniff(upload: UploadedFile, ext: str) -> str | None:
    """The content type of an allowed file whose content agrees with its extension, else None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type, exts in SIGNATURES:
        if head.startswith(magic):
            return content_type if ext in exts else None
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp" if ext == "webp" else None
    if head.startswith(OLE_MAGIC):
        return OLE.get(ext)
    if head.startswith(ZIP_MAGIC) and ext in OOXML:
        content_type, folder = OOXML[ext]
        return content_type if _is_ooxml(upload, folder) else None
    return None


def check_uploads(files: Sequence[UploadedFile], *, already: int = 0) -> list[CheckedFile]:
    """Every upload checked; a ValidationError naming each bad file, so nothing is stored."""
    if not files:
        raise ValidationError({"attachments": ["请选择要上传的文件"]})
    if already + len(files) > MAX_FILES_PER_ARTICLE:
        raise ValidationError({"attachments": [f"每篇资讯最多 {MAX_FILES_PER_ARTICLE} 个附件"]})
    limit = max_bytes()
    errors: list[str] = []
    checked: list[CheckedFile] = []
    for upload in files:
        name = os.path.basename(upload.name or "") or "未命名文件"
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        size = upload.size or 0
        if size == 0:
            errors.append(f"“{name}”是空文件")
            continue
        if size > limit:
            errors.append(f"“{name}”超过 {limit // 1024 // 1024} MB，请压缩后再上传")
            continue
        content_type = sniff(upload, ext)
        if content_type is None:
            errors.append(f"“{name}”不是允许的文件类型：{TYPE_HINT}")
            continue
        checked.append(CheckedFile(upload, name, content_type, "jpg" if ext == "jpeg" else ext))
    if errors:
        raise ValidationError({"attachments": errors})
    return checked
