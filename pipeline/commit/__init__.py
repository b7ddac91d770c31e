"""Commit: rows merged with the kept ones, validated, written as parts of one generation
switched in at once; the data package, the journal and the atomic small files.
"""
