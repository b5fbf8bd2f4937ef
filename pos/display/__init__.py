"""The customer display and the story wall: what the till publishes about its basket, read back for a
screen that faces the customer (issue 12). Only consented makers are ever named, quoted or linked."""
