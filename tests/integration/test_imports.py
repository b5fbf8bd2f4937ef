"""CSV imports on a real ledger (SQLite, or PostgreSQL with POS_TEST_DATABASE_URL).

Every import is all-or-nothing: each bad-file test below mixes good rows with the bad one(s),
checks every problem is reported on the right line with a message naming it, and checks that
no row at all reached the ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from inventory.db import read_session
from inventory.ean import ean13_check_digit, in_store_ean13, is_valid_ean13
from common.errors import ImportProblem, InvalidImport, PosError
from common.values import Actor
from inventory.imports import ImportResult, import_file, import_participants, import_products, import_stock
from inventory.models import DesignerShare, Participant, Product, StockMovement, Variant
from ledger_helpers import by

MODELS = (Participant, Product, Variant, DesignerShare, StockMovement)

PARTICIPANTS_HEADER = "code,name,story,linkedin_url,consent\n"
PRODUCTS_HEADER = "sku,design,category,vat_rate,designers,size,colour,price,barcode\n"
STOCK_HEADER = "sku,quantity,note\n"

# What the `seeded` fixture puts in the ledger before each test that needs a catalogue.
SEED_PARTICIPANTS = (
    PARTICIPANTS_HEADER
    + "AMO,Amara Osei,Screen-prints bold type.,https://www.linkedin.com/in/amara-osei,yes\n"
    + "KBL,Kai Blake,Heavyweight hoodies.,,no\n"
    + "RNV,Rhea Nvarro,Workwear.,,yes\n"
    + "DJT,Dev Thakkar,Embroidery.,,yes\n"
)
SEED_HOODIE_XS = in_store_ean13(1)  # 2000000000015
SEED_HOODIE_S = in_store_ean13(2)
SEED_COLLAB_M = in_store_ean13(49)  # the highest in-store barcode in the seeded ledger
SEED_PRODUCTS = (
    PRODUCTS_HEADER
    + f"NBH-BLA-XS,Night Bus Hoodie,Hoodies,20,AMO,XS,Black,55.00,{SEED_HOODIE_XS}\n"
    + f"NBH-BLA-S,Night Bus Hoodie,Hoodies,20,AMO,S,Black,55.00,{SEED_HOODIE_S}\n"
    + f"CCJ-BLA-M,Collab Coach Jacket,Jackets,20,AMO:40;KBL:30;RNV:30,M,Black,85.00,{SEED_COLLAB_M}\n"
)
SEED_STOCK = STOCK_HEADER + "NBH-BLA-XS,3,first delivery\nNBH-BLA-S,6,\nCCJ-BLA-M,2,\n"


def ean(body: str) -> str:
    """A valid EAN-13 from its first 12 digits."""
    return body + ean13_check_digit(body)


def wrong_check_digit(code: str) -> str:
    return code[:12] + str((int(code[12]) + 1) % 10)


# Valid barcodes that are not in the seeded ledger (a publisher prefix, not in-store).
OUTSIDE_1 = ean("501234567890")
OUTSIDE_2 = ean("501234567891")
OUTSIDE_3 = ean("501234567892")


# --- helpers -------------------------------------------------------------------------------------


def counts(engine: Engine) -> dict[str, int]:
    """Rows in every table an import can write."""
    with read_session(engine) as session:
        return {
            model.__tablename__: session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in MODELS
        }


def write_text(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_bytes(text.encode("utf-8"))
    return path


Importer = Callable[..., ImportResult]


def expect_refused(
    engine: Engine, importer: Importer, path: Path, expected: dict[int, str | tuple[str, ...]]
) -> list[ImportProblem]:
    """Import `path`, expect InvalidImport with exactly the problem lines in `expected`, each
    message containing the given fragment(s) (case-insensitive), and prove nothing was written."""
    before = counts(engine)
    with pytest.raises(InvalidImport) as caught:
        importer(by(engine), path)
    problems = caught.value.problems
    assert sorted({problem.line for problem in problems}) == sorted(expected), problems
    for line, fragments in expected.items():
        fragments = (fragments,) if isinstance(fragments, str) else fragments
        messages = [problem.message.lower() for problem in problems if problem.line == line]
        for fragment in fragments:
            assert any(fragment.lower() in message for message in messages), (line, fragment, messages)
    # The error message a user sees lists every problem, each with its line number.
    text = str(caught.value)
    assert "nothing was imported" in text
    for problem in problems:
        assert str(problem) in text
        if problem.line:
            assert f"line {problem.line}: " in str(problem)
    assert counts(engine) == before, "a refused import must write nothing"
    return problems


@pytest.fixture
def seeded(engine: Engine, tmp_path: Path) -> Engine:
    """A ledger with four participants, two designs (one a collaboration), three SKUs and stock."""
    seed = tmp_path / "seed"
    seed.mkdir()
    import_participants(by(engine), write_text(seed, "participants.csv", SEED_PARTICIPANTS))
    import_products(by(engine), write_text(seed, "products.csv", SEED_PRODUCTS))
    import_stock(by(engine), write_text(seed, "stock.csv", SEED_STOCK))
    assert counts(engine) == {
        "participants": 4, "products": 2, "variants": 3, "designer_shares": 4, "stock_movements": 3,
    }
    return engine


def barcodes_by_sku(engine: Engine) -> dict[str, str]:
    with read_session(engine) as session:
        return dict(session.execute(select(Variant.sku, Variant.barcode)).all())


def shares_of(engine: Engine, design: str) -> dict[str, int]:
    with read_session(engine) as session:
        rows = session.execute(
            select(Participant.code, DesignerShare.share_bp)
            .join(DesignerShare, DesignerShare.participant_id == Participant.id)
            .join(Product, Product.id == DesignerShare.product_id)
            .where(Product.name == design)
        ).all()
    return dict(rows)


# --- products: one test per bad row ---------------------------------------------------------


def test_bad_check_digit_is_refused(seeded: Engine, tmp_path: Path) -> None:
    bad = wrong_check_digit(OUTSIDE_2)
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + f"TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,{OUTSIDE_1}\n"
        + f"TEE-2,Logo Tee,T-shirts,20,DJT,M,White,25.00,{bad}\n"
        + "TEE-3,Logo Tee,T-shirts,20,DJT,L,White,25.00,\n")
    problems = expect_refused(seeded, import_products, path, {3: ("check digit", bad)})
    assert f"should be {OUTSIDE_2[-1]}" in problems[0].message


@pytest.mark.parametrize(
    "barcode, fragment",
    [("501234567890", "has 12 digits"), ("50123456789012", "has 14 digits"), ("50123456789X0", "must be 13 digits")],
    ids=["twelve-digits", "fourteen-digits", "not-digits"],
)
def test_barcode_that_is_not_thirteen_digits_is_refused(
    seeded: Engine, tmp_path: Path, barcode: str, fragment: str
) -> None:
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + f"TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,{OUTSIDE_1}\n"
        + f"TEE-2,Logo Tee,T-shirts,20,DJT,M,White,25.00,{barcode}\n")
    expect_refused(seeded, import_products, path, {3: (fragment, barcode)})


def test_duplicate_barcode_within_the_file_is_refused(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + f"TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,{OUTSIDE_1}\n"
        + f"TEE-2,Logo Tee,T-shirts,20,DJT,M,White,25.00,{OUTSIDE_2}\n"
        + f"TEE-3,Logo Tee,T-shirts,20,DJT,L,White,25.00,{OUTSIDE_1}\n")
    expect_refused(seeded, import_products, path, {4: (OUTSIDE_1, "twice", "line 2")})


def test_barcode_already_in_the_catalogue_is_refused(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + f"TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,{OUTSIDE_1}\n"
        + f"TEE-2,Logo Tee,T-shirts,20,DJT,M,White,25.00,{SEED_HOODIE_S}\n"
        + "TEE-3,Logo Tee,T-shirts,20,DJT,L,White,25.00,\n")
    expect_refused(seeded, import_products, path, {3: (SEED_HOODIE_S, "already")})


@pytest.mark.parametrize(
    "designers, fragment",
    [("AMO:50;KBL:40", "90%"), ("AMO:60;KBL:30;RNV:20", "110%"), ("AMO:33.33;KBL:33.33;RNV:33.33", "99.99%")],
    ids=["under", "over", "thirds-that-miss-by-a-hundredth"],
)
def test_shares_not_summing_to_100_percent_are_refused(
    seeded: Engine, tmp_path: Path, designers: str, fragment: str
) -> None:
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + "TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,\n"
        + f"CAP-1,Collab Cap,Accessories,20,{designers},OS,Black,22.00,\n"
        + "TEE-2,Logo Tee,T-shirts,20,DJT,M,White,25.00,\n")
    expect_refused(seeded, import_products, path, {3: ("add up to", fragment, "not 100%")})


def test_unknown_designer_is_refused(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + "TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,\n"
        + "TEE-2,Logo Tee,T-shirts,20,DJT,M,White,25.00,\n"
        + "CAP-1,Collab Cap,Accessories,20,AMO:50;ZZZ:50,OS,Black,22.00,\n")
    expect_refused(seeded, import_products, path, {4: ("unknown designer", "ZZZ")})


@pytest.mark.parametrize("price", ["-5.00", "-0.01", "£-12"])
def test_negative_price_is_refused(seeded: Engine, tmp_path: Path, price: str) -> None:
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + "TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,\n"
        + f"TEE-2,Logo Tee,T-shirts,20,DJT,M,White,{price},\n"
        + "TEE-3,Logo Tee,T-shirts,20,DJT,L,White,25.00,\n")
    expect_refused(seeded, import_products, path, {3: ("price", "negative")})


@pytest.mark.parametrize("price", ["abc", "", "12,50", "25.999", "twenty", "1e3"])
def test_non_numeric_price_is_refused(seeded: Engine, tmp_path: Path, price: str) -> None:
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + "TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,\n"
        + f'TEE-2,Logo Tee,T-shirts,20,DJT,M,White,"{price}",\n')
    expect_refused(seeded, import_products, path, {3: ("price", "not an amount")})


def test_duplicate_sku_within_the_file_is_refused(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + "TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,\n"
        + "TEE-2,Logo Tee,T-shirts,20,DJT,M,White,25.00,\n"
        + "tee-1,Logo Tee,T-shirts,20,DJT,L,White,25.00,\n")  # SKUs compare without case
    expect_refused(seeded, import_products, path, {4: ("sku tee-1", "twice", "line 2")})


def test_sku_already_in_the_catalogue_is_refused(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + "TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,\n"
        + "NBH-BLA-S,Night Bus Hoodie,Hoodies,20,AMO,S,Black,55.00,\n")
    expect_refused(seeded, import_products, path, {3: ("NBH-BLA-S", "already in the catalogue")})


def test_existing_design_with_other_designers_is_refused(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + "NBH-BLA-M,Night Bus Hoodie,Hoodies,20,AMO,M,Black,55.00,\n"  # same designer: fine
        + "NBH-BLA-L,Night Bus Hoodie,Hoodies,20,KBL,L,Black,55.00,\n"
        + "CCJ-BLA-L,Collab Coach Jacket,Jackets,20,AMO:50;KBL:50,L,Black,85.00,\n")
    expect_refused(seeded, import_products, path, {
        3: ("Night Bus Hoodie", "other designers"),
        4: ("Collab Coach Jacket", "other designers"),
    })
    assert shares_of(seeded, "Night Bus Hoodie") == {"AMO": 10_000}
    assert shares_of(seeded, "Collab Coach Jacket") == {"AMO": 4000, "KBL": 3000, "RNV": 3000}


def test_one_design_with_two_sets_of_designers_in_one_file_is_refused(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + "TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,\n"
        + "TEE-2,Logo Tee,T-shirts,20,DJT:50;RNV:50,M,White,25.00,\n")
    expect_refused(seeded, import_products, path, {3: ("Logo Tee", "line 2")})


def test_new_sku_of_an_existing_design_with_the_same_designers_joins_it(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + "CCJ-BLA-L,Collab Coach Jacket,Jackets,20,RNV:30;AMO:40;KBL:30,L,Black,85.00,\n")
    import_products(by(seeded), path)
    with read_session(seeded) as session:
        designs = session.execute(
            select(Product.name, func.count(Variant.id)).join(Variant).group_by(Product.name)
        ).all()
    assert dict(designs) == {"Night Bus Hoodie": 2, "Collab Coach Jacket": 2}


# --- participants ------------------------------------------------------------------------------


def test_participant_with_bad_consent_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "participants.csv", PARTICIPANTS_HEADER
        + "AMO,Amara Osei,,,yes\n"
        + "KBL,Kai Blake,,,maybe\n"
        + "RNV,Rhea Nvarro,,,no\n")
    expect_refused(engine, import_participants, path, {3: ("consent", "maybe")})


def test_duplicate_participant_code_in_the_file_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "participants.csv", PARTICIPANTS_HEADER
        + "AMO,Amara Osei,,,yes\n"
        + "KBL,Kai Blake,,,no\n"
        + "amo,Amara O.,,,yes\n")  # codes are upper-cased, so this is AMO again
    expect_refused(engine, import_participants, path, {4: ("AMO", "twice", "line 2")})


def test_participant_already_in_the_ledger_is_refused(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "participants.csv", PARTICIPANTS_HEADER
        + "LUW,Lu Wen,,,no\n"
        + "KBL,Kai Blake,,,no\n")
    expect_refused(seeded, import_participants, path, {3: ("KBL", "already in the ledger")})


def test_participant_rows_with_several_problems_report_each(engine: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "participants.csv", PARTICIPANTS_HEADER
        + "AMO,Amara Osei,,https://www.linkedin.com/in/amara,yes\n"
        + "K,,,http://example.com/kai,perhaps\n")
    problems = expect_refused(engine, import_participants, path, {
        3: ("code 'k'", "name is empty", "linkedin_url", "consent 'perhaps'"),
    })
    assert len(problems) == 4


# --- stock ------------------------------------------------------------------------------------


def test_unknown_sku_in_stock_is_refused(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "stock.csv", STOCK_HEADER
        + "NBH-BLA-XS,4,\n"
        + "NBH-BLA-XXXL,2,\n"
        + "ccj-bla-m,1,\n")  # SKUs match without case
    expect_refused(seeded, import_stock, path, {3: ("NBH-BLA-XXXL", "not in the catalogue")})


def test_bad_stock_quantities_are_refused_each_on_its_line(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "stock.csv", STOCK_HEADER
        + "NBH-BLA-XS,4,\n"
        + "NBH-BLA-S,0,\n"
        + "NBH-BLA-S,-2,\n"
        + "NBH-BLA-S,two,\n"
        + "NBH-BLA-S,1.5,\n"
        + "NBH-BLA-S,,\n"
        + "NBH-BLA-S,100001,\n"
        + "CCJ-BLA-M,100000,\n")  # the largest delivery allowed
    expect_refused(seeded, import_stock, path, {
        line: ("quantity", "whole number") for line in (3, 4, 5, 6, 7, 8)
    })


def test_stock_quantity_with_a_non_ascii_digit_is_reported_not_crashed(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "stock.csv", STOCK_HEADER + "NBH-BLA-XS,4,\nNBH-BLA-S,²,\n")
    expect_refused(seeded, import_stock, path, {3: ("quantity",)})


# --- the file as a whole (every importer) ---------------------------------------------------------


IMPORTERS = {"participants": import_participants, "products": import_products, "stock": import_stock}
GOOD_FILES = {
    "participants": PARTICIPANTS_HEADER + "LUW,Lu Wen,,,no\nTSA,Tobi Sanusi,,,yes\n",
    "products": PRODUCTS_HEADER
    + "TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,\nTEE-2,Logo Tee,T-shirts,20,DJT,M,White,25.00,\n",
    "stock": STOCK_HEADER + "NBH-BLA-XS,4,\nCCJ-BLA-M,1,\n",
}
HEADERS = {"participants": PARTICIPANTS_HEADER, "products": PRODUCTS_HEADER, "stock": STOCK_HEADER}
kinds = pytest.mark.parametrize("kind", list(IMPORTERS))


@kinds
def test_missing_column_is_refused(seeded: Engine, tmp_path: Path, kind: str) -> None:
    required = {"participants": "name", "products": "price", "stock": "quantity"}[kind]
    header, *rows = GOOD_FILES[kind].splitlines()
    columns = header.split(",")
    drop = columns.index(required)
    text = "\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != drop) for line in [header, *rows])
    path = write_text(tmp_path, f"{kind}.csv", text + "\n")
    expect_refused(seeded, IMPORTERS[kind], path, {1: ("missing column", required)})


@kinds
def test_file_not_utf8_is_refused(seeded: Engine, tmp_path: Path, kind: str) -> None:
    lines = GOOD_FILES[kind].splitlines(keepends=True)  # the cp1252 byte goes on line 3
    raw = lines[0].encode() + lines[1].encode()
    third = {
        "participants": "CAF,Café Owner,,,no\n",
        "products": "TEE-3,Café Tee,T-shirts,20,DJT,L,White,25.00,\n",
        "stock": "NBH-BLA-S,2,Café delivery\n",
    }[kind]
    raw += third.encode("cp1252") + lines[2].encode()
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(raw)
    expect_refused(seeded, IMPORTERS[kind], path, {3: ("not UTF-8",)})


@kinds
@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\xef\xbb\xbf"], ids=["zero-bytes", "blank-lines", "bom-only"])
def test_empty_file_is_refused(seeded: Engine, tmp_path: Path, kind: str, content: bytes) -> None:
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(content)
    expect_refused(seeded, IMPORTERS[kind], path, {0: ("empty",)})


@kinds
def test_header_only_file_is_refused(seeded: Engine, tmp_path: Path, kind: str) -> None:
    path = write_text(tmp_path, f"{kind}.csv", HEADERS[kind] + "\n,,\n")
    expect_refused(seeded, IMPORTERS[kind], path, {0: ("no rows",)})


@kinds
def test_row_with_more_fields_than_the_header_is_refused(seeded: Engine, tmp_path: Path, kind: str) -> None:
    header, first, second = GOOD_FILES[kind].splitlines()
    path = write_text(tmp_path, f"{kind}.csv", f"{header}\n{first}\n{second},extra,more\n")
    expect_refused(seeded, IMPORTERS[kind], path, {3: ("more fields",)})


@kinds
def test_missing_file_is_refused(seeded: Engine, tmp_path: Path, kind: str) -> None:
    expect_refused(seeded, IMPORTERS[kind], tmp_path / "nowhere.csv", {0: ("cannot read",)})


# --- several problems, line numbers ------------------------------------------------------------


def test_every_problem_in_a_file_is_reported_with_its_line(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + f"TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,{OUTSIDE_1}\n"  # 2 good
        + f"TEE-2,Logo Tee,T-shirts,20,DJT,M,White,25.00,{wrong_check_digit(OUTSIDE_2)}\n"  # 3
        + "TEE-3,Logo Tee,T-shirts,20,DJT,L,White,25.00,\n"  # 4 good
        + "\n"  # 5 blank lines are skipped but still counted
        + "CAP-1,Cap,Accessories,20,NOPE,OS,Black,22.00,\n"  # 6
        + "CAP-2,Cap2,Accessories,20,AMO,OS,Black,-1,\n"  # 7
        + "TEE-1,Logo Tee,T-shirts,20,DJT,XL,White,25.00,\n"  # 8 duplicate SKU
        + "BAG-1,Bag,Accessories,20,AMO:70;KBL:20,OS,Natural,15,\n"  # 9 shares 90%
        + f"BAG-2,Bag2,Accessories,20,RNV,OS,Natural,15,{SEED_HOODIE_XS}\n"  # 10 barcode taken
        + "BAG-3,Bag3,Accessories,20,RNV,OS,Natural,fifteen,\n"  # 11
        + "BAG-4,Bag4,Accessories,20,RNV,OS,Natural,15,\n")  # 12 good
    problems = expect_refused(seeded, import_products, path, {
        3: "check digit",
        6: "unknown designer",
        7: "negative",
        8: "twice",
        9: "add up to 90%",
        10: "already used",
        11: "not an amount",
    })
    assert [problem.line for problem in problems] == sorted(problem.line for problem in problems)


def test_line_numbers_count_quoted_multi_line_fields_and_crlf(engine: Engine, tmp_path: Path) -> None:
    text = (
        "code,name,story,linkedin_url,consent\r\n"
        'AMO,Amara Osei,"Night buses,\r\nlate shifts",,yes\r\n'  # lines 2-3
        "KBL,Kai Blake,,,sometimes\r\n"  # line 4
    )
    path = tmp_path / "participants.csv"
    path.write_bytes(text.encode())
    expect_refused(engine, import_participants, path, {4: "consent"})


def test_a_row_with_a_bad_price_and_an_unknown_designer_reports_both(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + "TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,\n"
        + "CAP-1,Cap,Accessories,20,NOPE,OS,Black,free,\n")
    expect_refused(seeded, import_products, path, {3: ("not an amount", "unknown designer")})


# --- dry runs ---------------------------------------------------------------------------------


@kinds
def test_dry_run_of_a_good_file_writes_nothing_and_counts_rows(seeded: Engine, tmp_path: Path, kind: str) -> None:
    path = write_text(tmp_path, f"{kind}.csv", GOOD_FILES[kind])
    before = counts(seeded)
    result = IMPORTERS[kind](by(seeded), path, dry_run=True)
    assert (result.rows, result.written) == (2, False)
    assert "would import 2 row(s)" in result.summary()
    assert counts(seeded) == before
    # and the real import afterwards writes what the dry run promised
    written = IMPORTERS[kind](by(seeded), path)
    assert (written.rows, written.written) == (2, True)
    assert counts(seeded) != before


def test_dry_run_of_products_reports_assigned_barcodes_without_using_them(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "products.csv", GOOD_FILES["products"])
    dry = import_products(by(seeded), path, dry_run=True)
    assert dry.assigned_barcodes == 2
    import_products(by(seeded), path)
    assigned = barcodes_by_sku(seeded)
    assert {assigned["TEE-1"], assigned["TEE-2"]} == {in_store_ean13(50), in_store_ean13(51)}


def test_import_file_runs_the_importer_in_its_own_unit_of_work(seeded: Engine, tmp_path: Path) -> None:
    """What the faces call: an engine, a kind and who is acting; no UnitOfWork to build."""
    path = write_text(tmp_path, "stock.csv", GOOD_FILES["stock"])
    before = counts(seeded)
    dry = import_file(seeded, "stock", path, Actor("Jo (manager)"), dry_run=True)
    assert (dry.rows, dry.written, counts(seeded)) == (2, False, before)
    result = import_file(seeded, "stock", path, Actor("Jo (manager)"))
    assert (result.rows, result.written) == (2, True)
    with read_session(seeded) as session:
        recorded_by = session.scalars(
            select(StockMovement.recorded_by).order_by(StockMovement.id.desc()).limit(2)
        ).all()
    assert recorded_by == ["Jo (manager)", "Jo (manager)"]


def test_import_file_refuses_an_unknown_kind(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "stock.csv", GOOD_FILES["stock"])
    with pytest.raises(PosError, match="choose one of participants, products, stock"):
        import_file(seeded, "staff", path, Actor("Jo (manager)"))


@pytest.mark.parametrize(
    "kind, text",
    [
        ("participants", PARTICIPANTS_HEADER + "LUW,Lu Wen,,,no\nAMO,Again,,,yes\nX,,,,\n"),
        ("products", PRODUCTS_HEADER + "TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,\nCAP,Cap,A,20,ZZ,OS,B,-3,\n"),
        ("stock", STOCK_HEADER + "NBH-BLA-XS,4,\nNOPE,0,\n"),
    ],
    ids=["participants", "products", "stock"],
)
def test_dry_run_of_a_bad_file_reports_the_same_problems(seeded: Engine, tmp_path: Path, kind: str, text: str) -> None:
    path = write_text(tmp_path, f"{kind}.csv", text)
    before = counts(seeded)
    with pytest.raises(InvalidImport) as dry:
        IMPORTERS[kind](by(seeded), path, dry_run=True)
    with pytest.raises(InvalidImport) as real:
        IMPORTERS[kind](by(seeded), path)
    assert dry.value.problems == real.value.problems
    assert dry.value.problems
    assert counts(seeded) == before


# --- in-store barcodes ------------------------------------------------------------------------


def test_blank_barcodes_get_distinct_in_store_ean13s(engine: Engine, tmp_path: Path) -> None:
    import_participants(by(engine), write_text(tmp_path, "p.csv", SEED_PARTICIPANTS))
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER + "".join(
        f"TEE-{n},Logo Tee,T-shirts,20,DJT,{size},White,25.00,\n" for n, size in enumerate(["S", "M", "L", "XL"])
    ))
    result = import_products(by(engine), path)
    assert result.assigned_barcodes == 4
    assert "4 in-store barcode(s) assigned" in result.summary()
    codes = list(barcodes_by_sku(engine).values())
    assert len(set(codes)) == 4
    for code in codes:
        assert code.startswith("2") and 20 <= int(code[:2]) <= 29
        assert len(code) == 13 and is_valid_ean13(code), code


def test_assigned_barcodes_avoid_explicit_ones_in_the_file_and_in_the_ledger(seeded: Engine, tmp_path: Path) -> None:
    explicit = in_store_ean13(51)  # the seeded ledger's highest is 49, so 50, 51... come next
    first = write_text(tmp_path, "first.csv", PRODUCTS_HEADER
        + f"TEE-0,Logo Tee,T-shirts,20,DJT,XS,White,25.00,{explicit}\n"
        + "TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,\n"
        + "TEE-2,Logo Tee,T-shirts,20,DJT,M,White,25.00,\n"
        + "TEE-3,Logo Tee,T-shirts,20,DJT,L,White,25.00,\n")
    assert import_products(by(seeded), first).assigned_barcodes == 3
    second = write_text(tmp_path, "second.csv", PRODUCTS_HEADER
        + "CAP-1,Strap Cap,Accessories,20,RNV,OS,Black,22.00,\n"
        + "CAP-2,Strap Cap,Accessories,20,RNV,OS,Stone,22.00,\n")
    assert import_products(by(seeded), second).assigned_barcodes == 2
    barcodes = barcodes_by_sku(seeded)
    assert len(set(barcodes.values())) == len(barcodes) == 9
    assert barcodes["TEE-0"] == explicit
    assert barcodes["NBH-BLA-XS"] == SEED_HOODIE_XS
    assigned = [barcodes[sku] for sku in ("TEE-1", "TEE-2", "TEE-3", "CAP-1", "CAP-2")]
    assert all(code.startswith("2") and is_valid_ean13(code) for code in assigned)
    assert not set(assigned) & {explicit, SEED_HOODIE_XS, SEED_HOODIE_S, SEED_COLLAB_M}


def test_assigned_barcode_avoids_an_explicit_in_store_barcode_on_a_later_row(seeded: Engine, tmp_path: Path) -> None:
    later = in_store_ean13(50)  # exactly what the first blank row would be given
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + "TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,\n"
        + f"TEE-2,Logo Tee,T-shirts,20,DJT,M,White,25.00,{later}\n")
    result = import_products(by(seeded), path)
    assert result.assigned_barcodes == 1
    barcodes = barcodes_by_sku(seeded)
    assert barcodes["TEE-2"] == later
    assert barcodes["TEE-1"] != later and is_valid_ean13(barcodes["TEE-1"])


def test_rows_with_the_assigned_barcode_bug_still_write_nothing(seeded: Engine, tmp_path: Path) -> None:
    """Whatever the import does with the file above, it must not leave part of it behind."""
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + "TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,\n"
        + f"TEE-2,Logo Tee,T-shirts,20,DJT,M,White,25.00,{in_store_ean13(50)}\n")
    before = counts(seeded)
    try:
        import_products(by(seeded), path)
    except Exception:  # noqa: BLE001 - the bug above raises IntegrityError; either way, all or nothing
        assert counts(seeded) == before
    else:
        assert counts(seeded)["variants"] == before["variants"] + 2


# --- collaborations ----------------------------------------------------------------------------


def test_collaboration_shares_are_stored_in_basis_points_summing_to_10000(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + "TOTE-1,Market Tote,Accessories,20,AMO:40;KBL:30;RNV:30,OS,Natural,15.00,\n"
        + "TOTE-2,Market Tote,Accessories,20,AMO:40;KBL:30;RNV:30,OS,Black,15.00,\n"
        + "CREW-1,Three Way Crew,Sweatshirts,20,DJT:33.34;KBL:33.33%;RNV:33.33,M,Navy,48,\n")
    import_products(by(seeded), path)
    tote = shares_of(seeded, "Market Tote")
    assert tote == {"AMO": 4000, "KBL": 3000, "RNV": 3000}
    assert sum(tote.values()) == 10_000
    crew = shares_of(seeded, "Three Way Crew")
    assert crew == {"DJT": 3334, "KBL": 3333, "RNV": 3333}
    with read_session(seeded) as session:
        per_design = session.execute(
            select(DesignerShare.product_id, func.sum(DesignerShare.share_bp)).group_by(DesignerShare.product_id)
        ).all()
    assert {total for _, total in per_design} == {10_000}


def test_a_zero_percent_share_is_reported_on_its_line(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + "TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,\n"
        + "CAP-1,Collab Cap,Accessories,20,AMO:0;KBL:100,OS,Black,22.00,\n")
    expect_refused(seeded, import_products, path, {3: ("share",)})


def test_an_overlong_size_is_reported_on_its_line(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + "TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,\n"
        + "TEE-2,Logo Tee,T-shirts,20,DJT,One size fits all,White,25.00,\n")
    expect_refused(seeded, import_products, path, {3: ("size",)})


# --- encodings ---------------------------------------------------------------------------------


def test_utf8_with_bom_and_crlf_from_excel_is_accepted_and_names_round_trip(engine: Engine, tmp_path: Path) -> None:
    participants = tmp_path / "participants.csv"
    participants.write_bytes(
        "\ufeffCode,Name,Story,LinkedIn_URL,Consent\r\n"
        "ZOE,Zoë Ødegård,\"Prints «big» type – and ünïcode\",,Yes\r\n"
        "KBL,Kai Blake,,,no\r\n".encode()
    )
    assert import_participants(by(engine), participants).rows == 2
    products = tmp_path / "products.csv"
    products.write_bytes(
        ("\ufeff" + PRODUCTS_HEADER + "CC-1,Café Crème Tee,T-shirts,20,ZOE,M,Bleu Ciel,£25,\n").replace("\n", "\r\n").encode()
    )
    assert import_products(by(engine), products).rows == 1
    with read_session(engine) as session:
        zoe = session.execute(
            select(Participant.display_name, Participant.story, Participant.consent_to_publish)
            .where(Participant.code == "ZOE")
        ).one()
        tee = session.execute(select(Product.name, Variant.colour, Variant.price_pence).join(Variant)).one()
    assert tuple(zoe) == ("Zoë Ødegård", "Prints «big» type – and ünïcode", True)
    assert tuple(tee) == ("Café Crème Tee", "Bleu Ciel", 2500)


def test_demo_data_imports_cleanly(demo_engine: Engine) -> None:
    data = Path(__file__).resolve().parents[2] / "data"
    rows = {name: len((data / f"{name}.csv").read_text(encoding="utf-8").splitlines()) - 1
            for name in ("participants", "products", "stock")}
    assert counts(demo_engine) == {
        "participants": rows["participants"], "products": 10, "variants": rows["products"],
        "designer_shares": 13, "stock_movements": rows["stock"],
    }
    barcodes = barcodes_by_sku(demo_engine)
    assert all(is_valid_ean13(code) for code in barcodes.values())
    # the one blank barcode follows the highest explicit in-store one, 2000000000626 (sequence 62)
    assert barcodes["MT-NAT-OS"] == in_store_ean13(63)


# --- what a spreadsheet does to a file (issue 9, part 2) ------------------------------------------


def refused_messages(engine: Engine, importer: Importer, path: Path) -> list[str]:
    """Every problem of a refused import as `str(problem)`, after proving nothing was written."""
    before = counts(engine)
    with pytest.raises(InvalidImport) as caught:
        importer(by(engine), path)
    assert counts(engine) == before, "a refused import must write nothing"
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize(("written", "meant"), [("color", "colour"), ("ean", "barcode"), ("Prise", "price")])
def test_an_unknown_column_is_refused_with_the_nearest_known_name(
    seeded: Engine, tmp_path: Path, written: str, meant: str
) -> None:
    header = PRODUCTS_HEADER.replace(meant, written)
    path = write_text(tmp_path, "products.csv", header + f"TEE-1,Logo Tee,T-shirts,20,DJT,S,White,25.00,{OUTSIDE_1}\n")
    messages = refused_messages(seeded, import_products, path)
    expected = [f"line 1: unknown column '{written.lower()}': did you mean {meant}?"]
    if meant == "price":  # a required column: also named as missing
        expected.append("line 1: missing column(s): price (the header should be: "
                        "sku,design,designers,price,category,vat_rate,size,colour,barcode)")
    assert messages == expected


def test_an_unknown_column_with_no_near_name_lists_the_columns(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "stock.csv", "sku,quantity,supplier\nNBH-BLA-S,2,Workshop\n")
    assert refused_messages(seeded, import_stock, path) == [
        "line 1: unknown column 'supplier': the columns are sku, quantity, note"
    ]


def test_a_file_split_by_semicolons_is_named_as_such(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "stock.csv", "sku;quantity;note\nNBH-BLA-S;2;\n")
    assert refused_messages(seeded, import_stock, path) == [
        "line 1: the file is split by semicolons, not commas; save it as 'CSV UTF-8 (Comma delimited)' and import "
        "again (the header should be: sku,quantity,note)"
    ]


def test_a_file_with_no_header_line_is_named_as_such(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "stock.csv", "NBH-BLA-S,2,\nCCJ-BLA-M,1,\n")
    assert refused_messages(seeded, import_stock, path) == [
        "line 1: the file has no header line; add this first line and import again: sku,quantity,note"
    ]


def test_one_unknown_designer_is_one_problem_naming_every_line(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "products.csv", PRODUCTS_HEADER
        + "ZT-S,Zed Tee,T-shirts,20,ZED,S,White,25.00,\n"
        + "ZT-M,Zed Tee,T-shirts,20,ZED,M,White,25.00,\n"
        + "ZT-L,Zed Tee,T-shirts,20,ZED,L,White,25.00,\n"
        + "YT-L,Yan Tee,T-shirts,20,YAN,L,White,25.00,\n")
    assert refused_messages(seeded, import_products, path) == [
        "line 2: unknown designer ZED (lines 2, 3, 4): import them in participants first",
        "line 5: unknown designer YAN: import them in participants first",
    ]


def test_the_stock_file_takes_a_barcode_or_an_sku_in_its_sku_column(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "stock.csv", STOCK_HEADER + f"{SEED_HOODIE_S},2,scanned\nnbh-bla-xs,1,typed\n")
    assert import_stock(by(seeded), path).rows == 2
    with read_session(seeded) as session:
        by_sku = dict(session.execute(
            select(Variant.sku, func.sum(StockMovement.quantity)).join(StockMovement, StockMovement.variant_id == Variant.id)
            .group_by(Variant.sku)
        ).all())
    assert by_sku == {"NBH-BLA-XS": 4, "NBH-BLA-S": 8, "CCJ-BLA-M": 2}
    unknown = write_text(tmp_path, "unknown.csv", STOCK_HEADER + f"{OUTSIDE_1},2,\n")
    assert refused_messages(seeded, import_stock, unknown) == [
        f"line 2: barcode '{OUTSIDE_1}' is not in the catalogue: import it in products first"
    ]


@pytest.mark.parametrize(("kind", "text", "line"), [
    ("participants", PARTICIPANTS_HEADER + "ZED,Zed\x1b]0;pwned\x07 Ray,,,yes\n", "line 2: name"),
    ("products", PRODUCTS_HEADER + "TEE-1,Logo\x1b[2J Tee,T-shirts,20,DJT,S,White,25.00,\n", "line 2: design"),
    ("stock", STOCK_HEADER + "NBH-BLA-S,2,left\tat the door\n", "line 2: note"),
])
def test_text_fields_refuse_control_characters(seeded: Engine, tmp_path: Path, kind: str, text: str, line: str) -> None:
    path = write_text(tmp_path, f"{kind}.csv", text)
    importer = {"participants": import_participants, "products": import_products, "stock": import_stock}[kind]
    code = {"participants": "001B", "products": "001B", "stock": "0009"}[kind]
    assert refused_messages(seeded, importer, path) == [
        f"{line} contains a control character (U+{code}), which would reach the screen and the printer raw; remove it"
    ]


def test_a_story_may_hold_line_breaks_but_no_other_control_character(seeded: Engine, tmp_path: Path) -> None:
    fine = write_text(tmp_path, "fine.csv", PARTICIPANTS_HEADER + 'ZED,Zed Ray,"First line.\nSecond line.",,yes\n')
    assert import_participants(by(seeded), fine).rows == 1


@pytest.mark.parametrize(("last_row", "message"), [
    ("NBH-BLA-S,3,\n", "line 3: a quote (\") opens on this line and is never closed, so the rest of the file would be "
                      "read as one field; close the quote or remove it"),
    ('NBH-BLA-S,3,second"\n', "line 3: a quote (\") opens on this line and closes only on line 5, so lines 4 to 5 "
                              "would be read as part of one field; close the quote or remove it"),
])
def test_a_quote_left_open_is_named_with_its_line(seeded: Engine, tmp_path: Path, last_row: str, message: str) -> None:
    """Before: the rows after the quote vanished into one cell and 20 units were silently never received."""
    path = write_text(tmp_path, "stock.csv", STOCK_HEADER + "NBH-BLA-S,2,\n"
                      + 'NBH-BLA-XS,20,"first delivery\nCCJ-BLA-M,1,\n' + last_row)
    assert refused_messages(seeded, import_stock, path) == [message]


def test_a_field_over_the_csv_limit_is_a_plain_message(seeded: Engine, tmp_path: Path) -> None:
    import csv

    path = write_text(tmp_path, "stock.csv", STOCK_HEADER + "NBH-BLA-S,2,\n" + "NBH-BLA-XS,1," + "x" * 140_000 + "\n")
    assert refused_messages(seeded, import_stock, path) == [
        f"line 3: a field here is longer than {csv.field_size_limit():,} characters, the most a CSV field can be; "
        "is a quote (\") left open?"
    ]


def test_a_quote_in_the_middle_of_a_field_is_named_with_its_line(seeded: Engine, tmp_path: Path) -> None:
    path = write_text(tmp_path, "stock.csv", STOCK_HEADER + "NBH-BLA-S,2,\n" + 'NBH-BLA-XS,1,"6" rail\n')
    assert refused_messages(seeded, import_stock, path) == [
        "line 3: a quote (\") here is followed by more text in the same field; put the whole field in quotes and "
        "write each quote inside it twice (\"\")"
    ]
