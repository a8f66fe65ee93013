"""The model: blueprints, column types, plans, status meanings and health, relative dates, the view.

Imports only the foundations (``mapgen.core``).
"""
