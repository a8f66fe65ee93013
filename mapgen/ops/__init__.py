"""The operations behind the commands: generate, read, merge, status, diff, shift, batches, workshops.

Imports every layer below; the command line (``mapgen.cli``) is the only layer above.
"""
