"""Makers' Till: sales, tills and reports, with the Textual till and the `pos` command."""
