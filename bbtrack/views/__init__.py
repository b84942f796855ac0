"""Turning query results into text for a reader: tables, JSON/CSV/Markdown, the progress report."""
