"""Foundations: errors, file writing, dates, texts in a language, sandboxed templates, YAML.

Nothing here imports any other layer of mapgen.
"""
