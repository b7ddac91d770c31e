"""What a file that is not a PDF is, in words, for its `errors` row.

Published error tables must not carry content of files that are not PDFs (a symlink to
/etc/passwd named x.pdf), so a message names the kind of file ("an HTML page", "a PNG
image", "a text file") and never quotes its bytes. The signatures are puremagic's.
"""

from __future__ import annotations

import puremagic

# Signatures as weak as two bytes match random data now and then; below this, "unknown".
MIN_CONFIDENCE = 0.3
FRIENDLY = {
    "text/html": "an HTML page",
    "application/xhtml+xml": "an HTML page",
    "image/png": "a PNG image",
    "image/jpeg": "a JPEG image",
    "image/gif": "a GIF image",
    "image/tiff": "a TIFF image",
    "image/bmp": "a BMP image",
    "image/webp": "a WebP image",
    "application/xml": "an XML file",
    "text/xml": "an XML file",
    "application/zip": "a ZIP archive",
    "application/x-gzip": "a gzip archive",
    "application/gzip": "a gzip archive",
    "application/rtf": "an RTF document",
    "application/postscript": "a PostScript file",
    "application/msword": "an old Office document (.doc, .xls, .ppt)",
}
OFFICE_ZIP = "application/vnd.openxmlformats-officedocument."


def _is_text(head: bytes) -> bool:
    """No NUL and hardly any control bytes; bytes above 127 are fine (UTF-8 or Latin-1 text)."""
    if b"\x00" in head:
        return False
    control = sum(1 for b in head if (b < 32 and b not in b"\t\n\r\f") or b == 127)
    return control <= len(head) // 100


def describe(head: bytes) -> str:
    """The kind of file whose first bytes are `head`, as a phrase: "an HTML page"."""
    if not head:
        return "empty (0 bytes)"
    if not head.strip(b"\x00"):
        return "only zero bytes"
    try:
        matches = [m for m in puremagic.magic_string(head) if m.confidence >= MIN_CONFIDENCE]
    except (puremagic.PureError, ValueError):
        matches = []
    if matches:
        best = max(matches, key=lambda m: m.confidence)
        if best.mime_type in FRIENDLY:
            return FRIENDLY[best.mime_type]
        if best.mime_type.startswith(OFFICE_ZIP):
            return "an Office document (.docx, .xlsx, .pptx) or another ZIP archive"
        return f"a file of the kind '{best.name}' ({best.extension or 'no usual extension'})"
    if _is_text(head):
        return "a text file"
    return "binary data of no known kind"
