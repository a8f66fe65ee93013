"""The ``mapgen`` command line: the only part of mapgen that imports click, prints or exits.

Each command parses its options, calls one library function, prints the result and leaves the
exit code to :func:`mapgen.cli.app.run` (0 done, 1 the input has errors, 2 usage error or
unusable input). One module per command group; each registers itself on :data:`main`.
"""

from mapgen.cli.app import main

# Each command's module, imported when the command runs (or ``--help`` lists them all).
main.modules = {name: f"mapgen.cli.{module}" for name, module in (
    ("blueprint", "blueprints"), ("diff", "diff"), ("generate", "generate"), ("merge", "merge"),
    ("read", "read"), ("shift", "shift"), ("status", "status"), ("workshop", "workshop"))}

__all__ = ["main"]
