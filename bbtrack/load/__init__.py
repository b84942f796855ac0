"""Reading a data folder: finding it, parsing it into records, validating, and the parse cache."""
