"""Questions asked of loaded records: filters and summaries, history and diffs, and git."""
