"""Stage tables, beside entities: ruling-line tables found by the text stage to tables
and typed cells, joined over page breaks.
"""
