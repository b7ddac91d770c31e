"""The batch: plan (which inputs), run (workers or Dask, journal), commit; and the unit of
work a worker runs, one file through every stage.

Kept light to import: a run with nothing to do loads run.py and what it needs, never
the extractors.
"""
