"""Report figures as plain dataclasses, built with aggregate queries (never ORM objects)."""
