"""Stock (Ctrl+S, or Stock in the command palette): what `pos stock show|low|value|sell-through|history` say, at the till.

Five tabs: on hand as a grid of design x size with a row per colour (saleable stock in the cells, damaged
stock in a column of its own, retired SKUs marked as `pos stock show` marks them); SKUs running low; stock
value at retail per design; sell-through per design; and the movements of one SKU, scanned or typed.
Read-only. The figures are read on a thread worker of this screen, not on the till core's lanes, so a
sale still saving or a receipt printing never waits behind them, and the sale screen keeps its basket.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from common.clock import local_time
from common.errors import PosError, UnknownCode
from common.money import format_pence
from pos.tui.widgets.dialog_input import DialogInput
from pos.tui.widgets.footer import TillFooter
from pos.tui.widgets.message_line import MessageLine
from pos.tui.widgets.scan_input import ENTRY_KEYS, ScanInput

if TYPE_CHECKING:
    from inventory.stock import VariantListing
    from inventory.stock_views import DesignFigures, LowStock, MovementLine
    from pos.sales.till_core import TillCore

LOW_AT = 3  # as `pos stock low`: a SKU with this many or fewer saleable is low
LOW_AT_MAX = 9999
DESIGN_WIDTH = 20
COLOUR_WIDTH = 8
# (tab id, title): the order of the tabs and of their keys, F2 to F6.
TABS = (
    ("on-hand", "On hand"),
    ("low", "Low"),
    ("value", "Value"),
    ("sell-through", "Sell-through"),
    ("history", "History"),
)


@dataclass(frozen=True)
class StockFigures:
    """Everything the first four tabs show, read together."""

    listing: list[VariantListing]
    low: list[LowStock]
    designs: list[DesignFigures]


def read_figures(engine: Any, low_at: int) -> StockFigures:
    """On a worker thread: every SKU's saleable and damaged stock, the low ones, and each design's figures."""
    from inventory.stock import variant_listing
    from inventory.stock_views import design_figures, low_stock

    return StockFigures(variant_listing(engine), low_stock(engine, low_at), design_figures(engine))


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _right(text: str, style: str = "") -> Text:
    return Text(text, style=style, justify="right")


def _cell(variant: VariantListing | None) -> Text:
    """A size's saleable stock: `·` no such SKU, red none (or fewer), `r` a retired SKU."""
    if variant is None:
        return _right("·", "dim")
    shown = f"{variant.on_hand}r" if variant.retired else str(variant.on_hand)
    style = "bold red" if variant.on_hand <= 0 else ""
    return _right(shown, f"{style} dim".strip() if variant.retired else style)


def _sell_through(basis_points: int | None) -> str:
    return "-" if basis_points is None else f"{basis_points // 100}.{basis_points % 100 // 10}%"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


class StockScreen(Screen[None]):
    """The stock views, read-only: F2-F6 choose a tab, F9 reads the figures again, Esc goes back to the sale."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        *(Binding(f"f{number}", f"show_tab('{tab}')", title if tab != "sell-through" else "Sell-thru")
          for number, (tab, title) in enumerate(TABS, start=2)),
        Binding("f9", "reload", "Refresh"),
        Binding("enter", "low_at", "Low at", show=False),  # the Low tab's field; History's takes its own Enter
        Binding("up", "move('up')", "Up", key_display="↑", show=False),
        Binding("down", "move('down')", "Down", key_display="↓", show=False),
        Binding("pageup", "move('page_up')", "Page up", key_display="PgUp", show=False),
        Binding("pagedown", "move('page_down')", "Page down", key_display="PgDn", show=False),
    ]

    def __init__(self, core: TillCore) -> None:
        super().__init__()
        self.core = core
        self.low_at = LOW_AT
        self.reading = 0  # reads on the worker not yet shown (tests wait for none)
        self._asked = {"figures": 0, "history": 0}  # only the latest answer of each kind is shown
        self._rows: list[tuple[str, str, list[VariantListing]]] = []  # the grid's rows: design, colour, SKUs
        self._typed_elsewhere = False  # keys typed on a tab without a field, on their way to History

    def compose(self) -> ComposeResult:
        with Horizontal(id="header-bar"):
            yield Label("Stock", id="app-title")
            yield Label(f"{self.core.store.name} · Till {self.core.till}", id="till-name", markup=False)
        with TabbedContent(initial="on-hand", id="stock-tabs"):
            with TabPane("On hand", id="on-hand"):
                yield DataTable(id="stock-grid", cursor_type="row", zebra_stripes=True)
                yield Static("", id="stock-grid-detail", markup=False)
            with TabPane("Low", id="low"):
                with Horizontal(id="stock-low-bar"):
                    yield Label("Low at or below", id="stock-low-label")
                    yield DialogInput(str(self.low_at), type="integer", id="stock-low-at", select_on_focus=True)
                    yield Label("saleable", id="stock-low-hint")
                yield DataTable(id="stock-low-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Value", id="value"):
                yield DataTable(id="stock-value-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Sell-through", id="sell-through"):
                yield DataTable(id="stock-sell-table", cursor_type="row", zebra_stripes=True)
            with TabPane("History", id="history"):
                yield ScanInput(placeholder="Scan a barcode or type a SKU, Enter: its stock movements",
                                id="stock-history-code")
                yield Label("", id="stock-history-label", markup=False)
                yield DataTable(id="stock-history-table", cursor_type="row", zebra_stripes=True)
        yield MessageLine("Reading the stock...", id="stock-message")
        yield TillFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            table.can_focus = False  # the tabs, or a tab's field, keep the keyboard; ↑↓ PgUp PgDn move the table
        self.action_reload()

    # --- reading, on a worker thread ------------------------------------------------------------

    def _read(self, kind: str, job: Callable[[], Any]) -> None:
        self._asked[kind] += 1
        self.reading += 1
        self.run_worker(job, name=f"{kind}:{self._asked[kind]}", group="stock", thread=True, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        event.stop()
        self.reading -= 1
        kind, _, asked = (worker.name or "").partition(":")
        if kind not in self._asked or int(asked) != self._asked[kind] or event.state == WorkerState.CANCELLED:
            return  # read again since, or the screen is closing
        result = worker.result if event.state == WorkerState.SUCCESS else worker.error
        if kind == "figures":
            self._show_figures(result)
        else:
            self._show_history(result)

    def action_reload(self) -> None:
        """F9: read every figure again (a sale at another till, a delivery received)."""
        engine, low_at = self.core.engine, self.low_at
        self.say("Reading the stock...")
        self._read("figures", lambda: read_figures(engine, low_at))

    def _problem(self, error: BaseException | None) -> str:
        return str(error) if isinstance(error, PosError) else f"The stock could not be read: {error}"

    # --- drawing --------------------------------------------------------------------------------

    def _show_figures(self, figures: StockFigures | BaseException | None) -> None:
        if not isinstance(figures, StockFigures):
            self.say(self._problem(figures), error=True)
            return
        self._show_grid(figures.listing)
        self._show_low(figures.low)
        self._show_value(figures.designs)
        self._show_sell_through(figures.designs)
        at = local_time(self.core.actor.clock()).strftime("%H:%M")
        self.say(f"Stock at {at}. F9 reads it again; Esc goes back to the sale.")

    def _show_grid(self, listing: list[VariantListing]) -> None:
        from inventory.lookup import size_rank  # loaded with the ledger, after the till's first paint

        sizes = sorted({variant.size for variant in listing}, key=size_rank)
        rows: dict[tuple[str, str], list[VariantListing]] = {}
        for variant in sorted(listing, key=lambda v: (v.name.lower(), v.colour.lower())):
            rows.setdefault((variant.name, variant.colour), []).append(variant)
        self._rows = [(name, colour, variants) for (name, colour), variants in rows.items()]
        table = self.query_one("#stock-grid", DataTable)
        table.clear(columns=True)
        table.add_column("Design", width=DESIGN_WIDTH)
        table.add_column("Colour", width=COLOUR_WIDTH)
        for size in sizes:
            table.add_column(_right(size or "-"), width=max(3, len(size)))
        table.add_column(_right("All"), width=4)
        table.add_column(_right("Dmg"), width=3)
        previous = ""
        for name, colour, variants in self._rows:
            by_size = {variant.size: variant for variant in variants}
            damaged = sum(variant.damaged for variant in variants)
            table.add_row(
                _short(name, DESIGN_WIDTH) if name != previous else "",
                _short(colour or "-", COLOUR_WIDTH),
                *(_cell(by_size.get(size)) for size in sizes),
                _right(str(sum(variant.on_hand for variant in variants)), "bold"),
                _right(str(damaged), "bold yellow" if damaged else "dim"),
            )
            previous = name
        self._show_grid_detail()

    @on(DataTable.RowHighlighted, "#stock-grid")
    def _show_grid_detail(self) -> None:
        detail = self.query_one("#stock-grid-detail", Static)
        if not self._rows:
            detail.update("The catalogue has no SKU yet.")
            return
        table = self.query_one("#stock-grid", DataTable)
        name, colour, variants = self._rows[min(max(table.cursor_row, 0), len(self._rows) - 1)]
        damaged = ", ".join(f"{v.size or v.sku} {v.damaged}" for v in variants if v.damaged)
        retired = ", ".join(v.sku for v in variants if v.retired)
        lines = [
            f"{name}{f', {colour}' if colour else ''}: {sum(v.on_hand for v in variants)} saleable; "
            + (f"damaged (kept apart, not on hand): {damaged}" if damaged else "none damaged")
            + (f"; retired: {retired}" if retired else ""),
            "· no such SKU   red: none, or fewer than none   r: retired (no longer sells)",
        ]
        detail.update("\n".join(lines))

    def _show_low(self, low: list[LowStock]) -> None:
        table = self.query_one("#stock-low-table", DataTable)
        table.clear(columns=True)
        for title, width in (("SKU", 12), ("Design", 22), ("Size", 4), ("Colour", 8)):
            table.add_column(title, width=width)
        table.add_column(_right("On hand"), width=7)
        self.query_one("#stock-low-hint", Label).update(
            f"saleable: {_plural(len(low), 'SKU')}, fewest first (Enter reads again)")
        for item in low:
            table.add_row(_short(item.sku, 12), _short(item.design, 22), item.size, _short(item.colour, 8),
                          _right(str(item.on_hand), "bold red" if item.on_hand <= 0 else ""))
        if not low:
            table.add_row("", f"No SKU has {self.low_at} or fewer.", "", "", "")

    def _show_value(self, designs: list[DesignFigures]) -> None:
        table = self.query_one("#stock-value-table", DataTable)
        table.clear(columns=True)
        table.add_column("Design", width=30)
        table.add_column(_right("On hand"), width=7)
        table.add_column(_right("Value at retail"), width=15)
        for figures in designs:
            table.add_row(_short(figures.design, 30), _right(str(figures.on_hand)),
                          _right(format_pence(figures.value_pence)))
        table.add_row(Text("All designs", style="bold"), _right(str(sum(f.on_hand for f in designs)), "bold"),
                      _right(format_pence(sum(f.value_pence for f in designs)), "bold"))

    def _show_sell_through(self, designs: list[DesignFigures]) -> None:
        table = self.query_one("#stock-sell-table", DataTable)
        table.clear(columns=True)
        table.add_column("Design", width=30)
        for title in ("Received", "Sold", "Sell-through"):
            table.add_column(_right(title), width=len(title))
        for figures in designs:
            table.add_row(_short(figures.design, 30), _right(str(figures.received)), _right(str(figures.sold)),
                          _right(_sell_through(figures.sell_through_bp)))

    # --- a SKU's history --------------------------------------------------------------------------

    @on(ScanInput.Scanned, "#stock-history-code")
    def _history_asked(self, event: ScanInput.Scanned) -> None:
        event.stop()
        self.look_up_history(event.code)

    def look_up_history(self, code: str) -> None:
        code = code.strip()
        if not code:
            return
        engine = self.core.engine

        def job() -> tuple[str, str, list[MovementLine]]:
            from inventory.stock_views import movement_history

            return (code, *movement_history(engine, code))

        self.say(f"Reading the movements of {code[:40]}...")
        self._read("history", job)

    def _show_history(self, result: tuple[str, str, list[MovementLine]] | BaseException | None) -> None:
        label = self.query_one("#stock-history-label", Label)
        table = self.query_one("#stock-history-table", DataTable)
        if not isinstance(result, tuple):
            self.app.bell()
            if isinstance(result, UnknownCode):
                self.say(f"{result.code[:40]} is not in the catalogue. Check the tag, or type its SKU.", error=True)
            else:
                self.say(self._problem(result), error=True)
            return
        code, name, lines = result
        table.clear(columns=True)
        for title, width in (("When", 11), ("Kind", 8)):
            table.add_column(title, width=width)
        table.add_column(_right("Change"), width=6)
        table.add_column(_right("Balance"), width=7)
        for title, width in (("Why", 10), ("By", 10), ("Reference", 13)):
            table.add_column(title, width=width)
        for line in lines:  # 79 columns: the grid fits 80 with its scroll bar
            table.add_row(line.when.strftime("%d/%m %H:%M"), line.kind, _right(f"{line.quantity:+d}"),
                          _right(str(line.balance), "bold red" if line.balance <= 0 else ""),
                          _short(line.reason, 10), _short(line.recorded_by, 10), _short(line.reference, 13))
        if lines:
            table.move_cursor(row=len(lines) - 1)  # the newest movement, as a till wants it
        balance = lines[-1].balance if lines else 0
        label.update(f"{name}: {_plural(len(lines), 'movement')}, {balance} after the last")
        self.say(f"{code[:40]}: oldest first, the balance after each. Scan or type another SKU.")

    # --- keys -----------------------------------------------------------------------------------

    @property
    def active_tab(self) -> str:
        return self.query_one("#stock-tabs", TabbedContent).active

    def action_show_tab(self, tab: str) -> None:
        if tab != "history" and self._typed_elsewhere:  # a code half typed on its way to History is dropped
            self._typed_elsewhere = False
            self.query_one("#stock-history-code", Input).value = ""
        self.query_one("#stock-tabs", TabbedContent).active = tab

    @on(TabbedContent.TabActivated, "#stock-tabs")
    def _tab_shown(self) -> None:
        tab = self.active_tab
        if tab == "history":
            if not self._typed_elsewhere:  # a scan under way keeps the keyboard where its keys are queued
                self.query_one("#stock-history-code", Input).focus()
        elif tab == "low":
            self.query_one("#stock-low-at", Input).focus()
        else:
            self.query_one("#stock-tabs Tabs").focus()
        self.refresh_bindings()

    def on_key(self, event: events.Key) -> None:
        """A scan (or typing) on a tab without a field asks for that SKU's history.

        The keys of a scanner's burst are already queued where the keyboard was, so the keyboard stays
        there until Enter: moving it mid-burst could take later digits ahead of earlier ones.
        """
        if isinstance(self.focused, Input):
            return
        field = self.query_one("#stock-history-code", Input)
        if event.is_printable and event.character:
            event.stop()
            if not self._typed_elsewhere:
                self._typed_elsewhere = True
                field.value = ""
                self.action_show_tab("history")
            field.insert_text_at_cursor(event.character)
        elif event.key == "backspace" and self._typed_elsewhere:
            event.stop()
            field.action_delete_left()
        elif event.key in ENTRY_KEYS and self._typed_elsewhere:
            event.stop()
            self._typed_elsewhere = False
            code, field.value = field.value, ""
            field.focus()
            self.look_up_history(code)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "low_at":
            return self.is_mounted and self.active_tab == "low"
        return True

    def action_low_at(self) -> None:
        """Enter on the Low tab: read the low SKUs again at the threshold typed."""
        field = self.query_one("#stock-low-at", Input)
        text = field.value.strip()
        if not (text.isascii() and text.isdigit()) or int(text) > LOW_AT_MAX:
            self.say(f"Low at: a whole number from 0 to {LOW_AT_MAX}, such as 3.", error=True)
            return
        self.low_at = int(text)
        field.action_select_all()
        self.action_reload()

    def action_move(self, how: str) -> None:
        table = self.query_one(
            {"on-hand": "#stock-grid", "low": "#stock-low-table", "value": "#stock-value-table",
             "sell-through": "#stock-sell-table", "history": "#stock-history-table"}[self.active_tab], DataTable)
        getattr(table, f"action_{'cursor_' if how in ('up', 'down') else ''}{how}")()

    def say(self, text: str, *, error: bool = False) -> None:
        self.query_one("#stock-message", MessageLine).say(text, error=error)

    def action_back(self) -> None:
        self.dismiss(None)
