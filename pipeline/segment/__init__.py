"""Stage segment: one question's lines to header metadata, question and answer parts
(paragraphs), numbered items and annexes.
"""
