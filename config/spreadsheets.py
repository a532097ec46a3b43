"""CSV cells that spreadsheets will not run as formulas."""

from __future__ import annotations


def safe_cell(value):
    """Prefix text starting with =, +, -, @, a tab or a carriage return with an
    apostrophe, so a spreadsheet shows it instead of running it (OWASP's CSV
    injection advice). Numbers ("-0.5") stay numbers."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value
