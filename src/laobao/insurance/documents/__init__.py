"""Printed documents of the insurance app: the yearly rights record (PDF) and the employer statement (PDF, XLSX).

Each builder takes the dict a selector returned (already scoped) and gives bytes; it reads nothing itself.
Chinese text is set in reportlab's built-in CID font STSong-Light (Adobe-GB1; the viewer supplies the glyphs,
so nothing is downloaded or embedded from outside).
"""

from .rights import rights_record_pdf
from .statement import statement_pdf, statement_xlsx

__all__ = ["rights_record_pdf", "statement_pdf", "statement_xlsx"]
