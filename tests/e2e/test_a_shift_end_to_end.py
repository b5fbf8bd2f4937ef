"""Issue 7's "done when", through the `pos` command as a back office would script it.

A participant signs in (choosing her PIN), sells three items with a manager-approved 15% discount
paid half cash, half card; later one item comes back against the receipt's barcode (read from
the printed ESC/POS bytes); the sales report shows exactly the net per designer and per tender,
and the audit trail shows both approvals.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from common.money import format_pence
from pos.ledger import open_ledger
from test_cli import DATA, ok, pos

ITEMS = ("NBH-BLA-M", "CCJ-BLA-L", "SC-STO-OS")  # AMO's hoodie, a three-way collaboration, TSA's cap
RETURNED = "NBH-BLA-M"


def _receipt_barcode(printed: bytes) -> str:
    """The data of the CODE128 barcode on a printed receipt (GS k 73 n {B data), as a scanner reads it."""
    at = printed.index(b"\x1dkI")
    data = printed[at + 4 : at + 4 + printed[at + 3]]
    assert data.startswith(b"{B")
    return data[2:].decode("ascii")


def test_sign_in_discounted_split_sale_refund_by_barcode_net_report_and_audit(ledger_url: str, tmp_path: Path) -> None:
    config = tmp_path / "pos.toml"
    config.write_text(f'[printer]\nkind = "file"\ndirectory = "{tmp_path / "receipts"}"\n', encoding="utf-8")

    def run(*args: str, pins: tuple[str, ...] = ()) -> str:
        return ok(pos(*args, "--db", ledger_url, cwd=tmp_path, pins=pins))

    run("init")
    for kind in ("participants", "products", "stock"):
        run("import", kind, str(DATA / f"{kind}.csv"))
    run("staff", "add", "MGR", "--name", "Sam", "--role", "manager", pins=("2468", "2468"))
    run("staff", "add", "AMA", "--name", "Amara", "--role", "cashier", "--participant", "AMO", "--by", "MGR",
        pins=("2468",))
    run("shift", "open", "--float", "100", "--staff", "MGR", pins=("2468",))

    engine = open_ledger(ledger_url)
    with engine.connect() as connection:
        prices = dict(connection.execute(text("SELECT sku, price_pence FROM variants")).all())
    undiscounted = sum(prices[sku] for sku in ITEMS)
    discount = (undiscounted * 15 + 50) // 100  # 15% to the nearest penny
    total = undiscounted - discount
    cash = total // 2
    sale = json.loads(run(
        "sell", *ITEMS, "--staff", "AMA", "--discount", "15%", "--reason", "Loyal customer", "--approved-by", "MGR",
        "--split", f"cash:{format_pence(cash).removeprefix('£')},card", "--format", "json", "--config", str(config),
        pins=("1357", "1357", "2468"),  # Amara chooses her PIN (typed twice), then the manager approves
    ))
    assert (sale["total_pence"], sale["discount_pence"], sale["change_pence"]) == (total, discount, 0)

    receipt_file = tmp_path / "receipts" / f"{sale['receipt'].replace('/', '-')}.bin"
    scanned = _receipt_barcode(receipt_file.read_bytes())
    assert scanned == sale["receipt"]
    refund = json.loads(run(
        "refund", scanned, "--sku", RETURNED, "--staff", "AMA", "--approved-by", "MGR", "--format", "json",
        "--config", str(config), pins=("1357", "2468"),
    ))

    with engine.connect() as connection:
        hoodie_net = connection.execute(
            text("SELECT line_total_pence FROM sale_lines WHERE sku = :sku"), {"sku": RETURNED}
        ).scalar_one()
        sold_by_designer = dict(connection.execute(text(
            "SELECT p.code, sum(a.gross_pence) FROM line_attributions a JOIN participants p ON p.id = a.participant_id "
            "GROUP BY p.code"
        )).all())
        served_by = connection.execute(text(
            "SELECT st.code FROM sales s JOIN staff st ON st.id = s.staff_id"
        )).scalar_one()
    engine.dispose()
    assert served_by == "AMA"
    card = total - cash
    assert refund["refunded_pence"] == hoodie_net
    assert refund["to"] == {"card": hoodie_net}  # card first, up to what the card paid

    report = json.loads(run("report", "sales", "--format", "json"))
    assert report["gross_pence"] == total - hoodie_net
    assert report["discount_pence"] == discount and report["refunds_pence"] == hoodie_net
    assert report["by_tender"] == {"cash": cash, "card": card - hoodie_net}
    expected = dict(sold_by_designer)
    expected["AMO"] -= hoodie_net  # the hoodie is all Amara's design: her attribution goes back exactly
    designers = {row["code"]: row["gross_pence"] for row in report["by_participant"]}
    assert designers == expected
    assert sum(report["by_tender"].values()) == report["gross_pence"] == sum(designers.values())

    audit = json.loads(run("audit", "--format", "json"))
    approvals = [(entry["action"], entry["staff"], entry["approved_by"]) for entry in audit if entry["approved_by"]]
    assert ("discount", "AMA", "MGR") in approvals
    assert ("refund", "AMA", "MGR") in approvals
