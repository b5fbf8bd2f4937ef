"""Output only: receipts and slips rendered from plain data. Knows no database."""
