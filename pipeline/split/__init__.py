"""Stage split: one file to the questions it holds (one, several in a row, or a bulletin's)."""
