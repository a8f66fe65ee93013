"""The ``mapgen`` command line: the only part of mapgen that imports click, prints or exits.

Each command parses its options, calls one library function, prints the result and leaves the
exit code to :func:`mapgen.cli.app.run` (0 done, 1 the input has errors, 2 usage error or
unusable input). One module per command group; each registers itself on :data:`main`.
"""

from mapgen.cli import blueprints, diff, generate, merge, read, shift, status, workshop  # noqa: F401
from mapgen.cli.app import main

__all__ = ["main"]
