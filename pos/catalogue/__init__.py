"""Changing the catalogue after import: who may, and one unit of work per change (see services)."""
