"""Photos of the treated site (issue 20): what an upload becomes before it is kept (cleaning.py:
upright, every metadata stripped, re-encoded) and where it is kept (stores.py: the data folder,
or an S3-compatible object store). Framework-free: no Flask, no database."""
