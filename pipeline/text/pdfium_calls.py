"""pdfium functions the text stage calls per line, character, path segment or page object, with plain addresses.

pypdfium2's raw bindings declare typed pointer arguments, and ctypes checks and converts each
one on every call: for the box of one character that costs as much again as pdfium's work
(measured: 2.2 against 1.2 microseconds per FPDFText_GetCharBox call). The text stage asks
for two boxes per line and the table finder for one per character of a table, so these
functions, and those the text stage calls per line or per page object, are bound once more
here with `void *` arguments (`_bound`), the boxes into buffers made once per page.
"""

from __future__ import annotations

import ctypes
from collections import deque
from itertools import repeat

import pypdfium2.raw as pdfium_c

_VOIDP = ctypes.c_void_p


def _bound(name: str, restype: type | None, *argtypes: type) -> ctypes._CFuncPtr:
    """pdfium's function `name` with plain-address arguments (no per-call pointer checks)."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(getattr(pdfium_c, name), _VOIDP).value)


def address(handle: object) -> int:
    """A pypdfium2 raw handle (FPDF_PAGE, FPDF_TEXTPAGE, ...) as a plain address, for the functions here."""
    return ctypes.cast(handle, _VOIDP).value or 0


_char_box = _bound("FPDFText_GetCharBox", ctypes.c_int, _VOIDP, ctypes.c_int, _VOIDP, _VOIDP, _VOIDP, _VOIDP)
_loose_box = _bound("FPDFText_GetLooseCharBox", ctypes.c_int, _VOIDP, ctypes.c_int, _VOIDP)


class CharBoxes:
    """Glyph boxes of one text page's characters."""

    def __init__(self, textpage: pdfium_c.FPDF_TEXTPAGE):
        self._tp = address(textpage)
        self._ends = (ctypes.c_double * 8)()  # left, right, bottom, top of two characters
        base = ctypes.addressof(self._ends)
        self._first_args = (base, base + 8, base + 16, base + 24)
        self._last_args = (base + 32, base + 40, base + 48, base + 56)

    def ends(self, first: int, last: int) -> list[float]:
        """The glyph boxes of a line's first and last characters, as one list: left, right,
        bottom, top of `first`, then of `last` (one call per line, one buffer read back at once)."""
        _char_box(self._tp, first, *self._first_args)
        _char_box(self._tp, last, *self._last_args)
        return self._ends[:]


def loose_boxes(textpage: pdfium_c.FPDF_TEXTPAGE, indices: list[int]) -> ctypes.Array:
    """left, top, right, bottom of each listed character's loose box (font ascent to descent,
    advance width: the boxes pdfminer gives), in PDF coordinates, as one flat float array:
    the calls fill it (map runs the loop in C), to be read at once."""
    n = len(indices)
    buffer = (ctypes.c_float * (4 * n))()
    base = ctypes.addressof(buffer)
    size = ctypes.sizeof(pdfium_c.FS_RECTF)
    deque(map(_loose_box, repeat(address(textpage), n), indices, range(base, base + size * n, size)), maxlen=0)
    return buffer


# The page-object walk asks these for every object of every page (a page holds dozens of text
# objects), and the text stage asks the font size of every line: bound like the box
# functions above, the walk costs a third less.
count_objects = _bound("FPDFPage_CountObjects", ctypes.c_int, _VOIDP)
page_object = _bound("FPDFPage_GetObject", _VOIDP, _VOIDP, ctypes.c_int)
object_type = _bound("FPDFPageObj_GetType", ctypes.c_int, _VOIDP)
object_matrix = _bound("FPDFPageObj_GetMatrix", ctypes.c_int, _VOIDP, _VOIDP)
form_count = _bound("FPDFFormObj_CountObjects", ctypes.c_int, _VOIDP)
form_object = _bound("FPDFFormObj_GetObject", _VOIDP, _VOIDP, ctypes.c_ulong)
font_size = _bound("FPDFText_GetFontSize", ctypes.c_double, _VOIDP, ctypes.c_int)
# The table finder reads every segment of every path on a page with ruling lines.
count_segments = _bound("FPDFPath_CountSegments", ctypes.c_int, _VOIDP)
path_segment = _bound("FPDFPath_GetPathSegment", _VOIDP, _VOIDP, ctypes.c_int)
segment_point = _bound("FPDFPathSegment_GetPoint", ctypes.c_int, _VOIDP, _VOIDP, _VOIDP)
segment_type = _bound("FPDFPathSegment_GetType", ctypes.c_int, _VOIDP)
segment_close = _bound("FPDFPathSegment_GetClose", ctypes.c_int, _VOIDP)

