"""Changing the data files: status changes and new records, as byte-preserving, locked, atomic edits."""
