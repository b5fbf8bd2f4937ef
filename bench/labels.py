"""7. Labels: `pos labels` for 1,000 items (one each of 1,000 SKUs, on A4 sheets of 21) to a PDF file.

Timed as the command does it: read the SKUs and their consenting designers from the ledger
(inventory.labels.label_items), draw every label with its EAN-13 (receipts.labels.labels_pdf) and
write the file. Baseline, in the same run: reportlab drawing 1,000 empty rectangles at the same
places on the same pages and writing the file, the floor of any reportlab PDF of that many labels.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.common import Result, interleaved, median
from bench.ledgers import catalogue_ledger


def run(work: Path, sizes: dict[str, Any], log) -> list[Result]:  # type: ignore[no-untyped-def]
    from reportlab.pdfgen.canvas import Canvas

    from inventory.labels import label_items
    from pos.ledger import open_ledger
    from receipts.labels import A4_21, labels_pdf
    from receipts.pdf import MM

    count = sizes["labels"]
    log(f"labels: a PDF of {count:,} labels from {count:,} SKUs")
    path = work / "labels.sqlite"
    cat = catalogue_ledger(path, count)
    engine = open_ledger(f"sqlite:///{path}")
    requests = [(sku, 1) for sku, _, _, _ in cat.descriptions]
    out, floor_out = work / "labels.pdf", work / "labels-floor.pdf"
    layout = A4_21

    def labels() -> None:
        out.write_bytes(labels_pdf(label_items(engine, requests), layout))

    def rectangles() -> None:
        canvas = Canvas(str(floor_out), pagesize=(layout.page_width_mm * MM, layout.page_height_mm * MM), invariant=1)
        for number in range(count):
            slot = number % layout.per_page
            if number and slot == 0:
                canvas.showPage()
            x, y = layout.origin(slot)
            canvas.rect(x, y, layout.label_width_mm * MM, layout.label_height_mm * MM)
        canvas.showPage()
        canvas.save()

    samples = interleaved({"labels": labels, "rectangles": rectangles}, repeat=sizes["labels_repeat"], warmup=1)
    engine.dispose()
    value, floor = median(samples["labels"]), median(samples["rectangles"])
    pages = -(-count // layout.per_page)
    return [
        Result(
            "labels_pdf_1000", value, "s", floor, f"reportlab drawing {count:,} empty rectangles", "< 5 s", value < 5,
            detail=f"{count:,} labels, {pages} A4 pages, {out.stat().st_size / 1e6:.2f} MB; median of {sizes['labels_repeat']}",
            extra={"labels": count, "pdf_bytes": out.stat().st_size},
        ),
    ]
