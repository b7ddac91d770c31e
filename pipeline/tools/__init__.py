"""The commands around the product, not part of a batch run: `schv report`, `schv eval`
(the annotated sets and the table gold) and `schv bench`.
"""
