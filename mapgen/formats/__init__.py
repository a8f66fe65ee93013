"""Writers and readers of each file format, and the registry of output formats.

Imports the model and the foundations, never an operation or the command line.
"""
