"""What-if patches for the till's screen, applied only when MAKERS_BENCH_WHATIF names them (never in
a normal run). They measure, in the same harness, the fixes bench/README.md proposes for pos/tui,
which the benchmark suite does not own. E.g. MAKERS_BENCH_WHATIF=panel,table python -m bench --only scan
"""

from __future__ import annotations

import os
from typing import Any


def apply_from_environment() -> list[str]:
    names = [name for name in os.environ.get("MAKERS_BENCH_WHATIF", "").split(",") if name]
    for name in names:
        PATCHES[name]()
    return names


def _panel() -> None:
    """SaleScreen._show_panel returns early when that panel is already showing, so a scan does not
    call refresh_bindings() (which recomposes the Footer, and leaks its keys in Textual 8.2.8)."""
    from textual.widgets import ContentSwitcher

    from pos.tui.screens.sale import SaleScreen

    original = SaleScreen._show_panel

    def _show_panel(self: Any, which: str) -> None:
        if self.query_one("#main", ContentSwitcher).current != which:
            original(self, which)

    SaleScreen._show_panel = _show_panel  # type: ignore[method-assign]


def _table() -> None:
    """BasketTable.show appends the one new row when the basket grew by one line at its end,
    instead of clearing and re-adding every row."""
    from pos.tui.widgets import basket_table as module

    original = module.BasketTable.show

    def show(self: Any, basket: Any, cursor: int | None = None) -> None:
        lines = basket.lines
        if lines and self.row_count == len(lines) - 1 and cursor == len(lines) - 1 and lines[-1].quantity == 1:
            variant = lines[-1].variant
            detail = " ".join(part for part in (variant.size, variant.colour) if part)
            self.add_row(
                module.Text(module._fit(variant.name, module.ITEM_WIDTH)),
                module.Text(module._fit(detail, module.DETAIL_WIDTH)),
                module._right("1"),
                module._right(module.format_pence(variant.price_pence)),
                module._right(module.format_pence(lines[-1].total_pence)),
            )
            self.move_cursor(row=cursor, animate=False)
            return
        original(self, basket, cursor)

    module.BasketTable.show = show  # type: ignore[method-assign]


def _footer() -> None:
    """Footer.recompose first drops the data-binding watchers of FooterKeys already removed. In Textual
    8.2.8 each FooterKey is bound to Footer.compact (data_bind), and the footer's watcher list is pruned
    only when `compact` changes, which never happens: every recompose leaves its keys reachable."""
    from textual.widgets import Footer

    original = Footer.recompose

    async def recompose(self: Any) -> None:
        for watchers in getattr(self, "__watchers", {}).values():
            watchers[:] = [(node, callback) for node, callback in watchers if node.is_attached]
        await original(self)

    Footer.recompose = recompose  # type: ignore[method-assign]


PATCHES = {"panel": _panel, "table": _table, "footer": _footer}
