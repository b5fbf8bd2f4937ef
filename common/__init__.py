"""The shared small things every layer uses: money, errors, the clock and small value types.

It imports nothing of the project's, so inventory, receipts and pos can all stand on it.
"""
