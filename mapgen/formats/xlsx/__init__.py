"""Excel workbooks: writing MAP templates and reading completed ones back."""
