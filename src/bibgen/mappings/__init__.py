"""Dialect mappings, one table-shaped module per format (RIS, hayagriva)."""
