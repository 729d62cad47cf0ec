"""Programme views, one module per area; urls.py imports from the modules."""
