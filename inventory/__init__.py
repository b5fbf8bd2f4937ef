"""The base layer of Makers' Till: ledger database, catalogue, participants and stock."""
