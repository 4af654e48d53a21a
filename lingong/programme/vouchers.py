"""Checking uploaded vouchers (凭证): PDF or image, size limit, type decided from the first bytes."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

MAX_BYTES = 10 * 1024 * 1024
# The browser's declared type and the file name are not trusted: a renamed program is refused by its
# first bytes, and a picture renamed to .pdf is stored under the extension of what it really is.
SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
]
ALLOWED_EXTENSIONS = {"pdf", "jpg", "jpeg", "png", "webp"}
TYPE_HINT = "凭证只能是 PDF 文件或 JPG、PNG、WEBP 格式的图片（发票、收据、合同的扫描件或照片）"


@dataclass
class CheckedVoucher:
    upload: UploadedFile
    name: str
    content_type: str
    ext: str
    size: int
    sha256: str


def _sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def check_voucher(upload: UploadedFile) -> CheckedVoucher:
    """The checked upload, or a ValidationError in Chinese on the field "voucher"."""
    name = os.path.basename(upload.name or "") or "未命名文件"
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"voucher": [f"“{name}”是空文件"]})
    if size > MAX_BYTES:
        raise ValidationError({"voucher": [f"“{name}”超过 {MAX_BYTES // 1024 // 1024} MB，请压缩后再上传"]})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    sniffed = _sniff(head)
    if ext not in ALLOWED_EXTENSIONS or sniffed is None:
        raise ValidationError({"voucher": [f"“{name}”不是 PDF 或图片：{TYPE_HINT}"]})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedVoucher(upload, name[:120], sniffed[0], sniffed[1], size, digest.hexdigest())
