"""The text stage: a file (PDF, or Word converted to PDF) to lines per page with their geometry.

Everything that runs while the PDF is open is here: the text layer (or OCR for scans),
ruling-line tables and their captions, furniture, columns, line clean-up. The records
every later stage reads (lines, pages, found tables) are in page.py.
"""
