"""Shifts: a till's float, paid-ins and paid-outs, and the Z that closes it with a counted drawer."""
