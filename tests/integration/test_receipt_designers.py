"""'Meet the designer' from the ledger: the receipt a sale prints and the one rebuilt later carry each
consented designer's name, first line of story and LinkedIn address; nothing of anyone else."""

from __future__ import annotations

from escpos_bytes import rendered
from sqlalchemy import Engine

from inventory.catalog import look_up_code
from pos.sales.checkout import card_tender
from pos.sales.history import receipt_for
from pos.sales.services import complete_sale
from receipts.escpos_receipt import receipt_text, render_receipt
from receipts.model import DesignerProfile, StoreHeader
from ledger_helpers import as_staff, staffed

STORE = StoreHeader(name="Makers' Store", vat_number="GB123456789")
HOODIE_M = "2000000000039"  # Night Bus Hoodie, £55, AMO (consented)
DROP_S = "2000000000145"  # Drop Shoulder Hoodie, S, Sand, £60, KBL (did not consent)
AMARA = DesignerProfile(
    "Amara Osei", "Screen-prints bold type inspired by night buses and late shifts in south London.",
    "https://www.linkedin.com/in/amara-osei-designs",
)


def test_a_sale_receipt_and_its_rebuild_meet_only_the_designers_who_consented(demo_engine: Engine) -> None:
    people = staffed(demo_engine, ("MGR", "Sam", "manager", "2468"), ("AMA", "Ama", "cashier", "1357"))
    items = [(look_up_code(demo_engine, code).variant_id, 1) for code in (HOODIE_M, DROP_S)]
    sale = complete_sale(as_staff(demo_engine, people["AMA"]), items, [card_tender(11500)], store=STORE)
    rebuilt = receipt_for(demo_engine, sale.reference, STORE).receipt
    assert sale.receipt.designers == rebuilt.designers == (AMARA,)
    assert [line.vat_rate_bp for line in rebuilt.lines] == [2000, 2000]
    printed = rendered(render_receipt, rebuilt)
    assert printed.qrs == [AMARA.linkedin_url]
    assert "Meet the designer" in printed.text and "Kai" not in printed.text
    assert "Kai" not in receipt_text(rebuilt) and "Meet the designer" in receipt_text(rebuilt)
