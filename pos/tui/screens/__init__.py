"""Screens and modals of the till."""
