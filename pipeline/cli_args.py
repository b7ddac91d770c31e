"""Argument types for `schv`: a bad value is refused with a clear message (argparse, exit 2)."""

from __future__ import annotations

import argparse
import math


def count(minimum: int, meaning_of_zero: str = ""):
    """An int >= minimum; the help text of 0 (e.g. "all cores") goes into the message."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            zero = f" (0: {meaning_of_zero})" if meaning_of_zero else ""
            raise argparse.ArgumentTypeError(f"must be a whole number >= {minimum}{zero}, not {text!r}")
        return value

    return parse


def seconds(text: str) -> float:
    """A finite number of seconds >= 0 (0: no limit)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds >= 0 (0: no limit), not {text!r}")
    return value
