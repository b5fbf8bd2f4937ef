"""Widgets of the till screen."""
