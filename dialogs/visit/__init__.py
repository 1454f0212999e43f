"""/visit: log a company visit from the field in a few taps (see dialog.py)."""
