"""Product look-up (F11): inventory.lookup.look_up_products over the stock section's ledger.

Each look-up finds the designs, reads every variant's on-hand (the sum of its movements) and the
designers with their consent. Baseline: the till's own name search (inventory.catalog.search_variants)
for a text matching about as many designs, in the same run on the same ledger: what a look-up costs
beyond the search the till already does on every name typed.
"""

from __future__ import annotations

from typing import Any

from bench.common import Result, interleaved, median, p95

# bench.ledgers.catalogue: "Designer 001" (consented: i % 3 != 0) designs Design 0001, 0041, ... and shares
# collaborations; "Design 001" matches Design 0010-0019. Both about ten designs of five sizes.
BY_DESIGNER = "designer 001"
BY_DESIGN = "design 001"
TARGET_MS = 50.0  # a look-up answers before the next key, like a scan


def run(engine: Any, sizes: dict[str, Any], size_label: str) -> list[Result]:
    from inventory.catalog import search_variants
    from inventory.lookup import look_up_products

    found = {text: look_up_products(engine, text) for text in (BY_DESIGNER, BY_DESIGN)}
    baseline_rows = len(search_variants(engine, BY_DESIGN))
    if not all(found.values()) or not baseline_rows:
        raise AssertionError(f"the look-up texts match nothing in the bench catalogue: {found}")
    repeat = max(5, sizes["stock_repeat"] // 10)
    samples = interleaved({
        "by designer": lambda: look_up_products(engine, BY_DESIGNER),
        "by design": lambda: look_up_products(engine, BY_DESIGN),
        "search_variants": lambda: search_variants(engine, BY_DESIGN),
    }, repeat=repeat, warmup=5)
    baseline = p95(samples["search_variants"]) * 1e3
    results = []
    for name, key, text in (("product_lookup_by_designer_p95", "by designer", BY_DESIGNER),
                            ("product_lookup_by_design_p95", "by design", BY_DESIGN)):
        value = p95(samples[key]) * 1e3
        designs = found[text]
        results.append(Result(
            name, value, "ms", baseline, f"search_variants('{BY_DESIGN}'), {baseline_rows} SKUs, same run",
            f"p95 < {TARGET_MS:.0f} ms", value < TARGET_MS,
            detail=f"'{text}': {len(designs)} designs, {sum(len(d.variants) for d in designs)} SKUs with stock and "
                   f"designers; {size_label}; p95 of {repeat}",
            extra={"median_ms": median(samples[key]) * 1e3, "baseline_median_ms": median(samples["search_variants"]) * 1e3},
        ))
    return results
