"""Stock work at the store: counts with a barcode scanner (and, to come, receiving and adjustments)."""
