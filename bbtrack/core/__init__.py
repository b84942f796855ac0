"""The records and their words: dataclasses, vocabularies, dates, provinces, errors, text rules.

Depends on nothing else in bbtrack; every other layer imports from here.
"""
