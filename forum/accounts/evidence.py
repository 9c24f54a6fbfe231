"""Credential evidence: PDF, JPEG or PNG, recognised from its content, stored out of reach."""

import io
import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import current_app
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

ACCEPTED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
MAX_PIXELS = 25_000_000


class InvalidEvidence(ValueError):
    """reason: "empty", "too_large", "type" or "unreadable"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CheckedEvidence:
    """An upload that passed every check, ready to be written."""

    content: bytes
    content_type: str
    original_name: str

    @property
    def extension(self) -> str:
        """File extension matching the verified type."""
        return ACCEPTED_TYPES[self.content_type]


def check_evidence(content: bytes, original_name: str) -> CheckedEvidence:
    """Recognise the file from its bytes; images are re-encoded so no metadata survives."""
    if not content:
        raise InvalidEvidence("empty")
    if len(content) > current_app.config["EVIDENCE_MAX_BYTES"]:
        raise InvalidEvidence("too_large")
    kind = filetype.guess(content)
    if kind is None or kind.mime not in ACCEPTED_TYPES:
        raise InvalidEvidence("type")
    name = Path(original_name or "evidence").name[:200]
    if kind.mime == "application/pdf":
        check_pdf(content)
        return CheckedEvidence(content, kind.mime, name)
    return CheckedEvidence(reencode_image(content, kind.mime), kind.mime, name)


def check_pdf(content: bytes) -> None:
    """A PDF must at least open and have a page."""
    try:
        if len(PdfReader(io.BytesIO(content)).pages) == 0:
            raise InvalidEvidence("unreadable")
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise InvalidEvidence("unreadable") from error


def reencode_image(content: bytes, mime: str) -> bytes:
    """Decode and encode again from pixels alone: EXIF, GPS and comments are left behind."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise InvalidEvidence("too_large")
            image.load()
            pixels = image.convert("RGB") if mime == "image/jpeg" else image.convert("RGBA")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as error:
        raise InvalidEvidence("unreadable") from error
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    output = io.BytesIO()
    clean.save(output, format="JPEG" if mime == "image/jpeg" else "PNG", quality=90)
    return output.getvalue()


def store_evidence(evidence: CheckedEvidence) -> str:
    """Write the file under a random name in the instance upload folder; return that name."""
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = f"{secrets.token_hex(16)}.{evidence.extension}"
    (folder / stored_name).write_bytes(evidence.content)
    return stored_name


def evidence_path(stored_name: str) -> Path:
    """Where a stored evidence file lives."""
    return Path(current_app.config["UPLOAD_FOLDER"]) / "evidence" / Path(stored_name).name


def remove_evidence(stored_name: str) -> None:
    """Delete a stored file, used when the database write that referenced it failed."""
    evidence_path(stored_name).unlink(missing_ok=True)
