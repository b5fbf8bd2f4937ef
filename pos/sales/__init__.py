"""Sales: baskets, payments and the one transaction that completes a sale."""
