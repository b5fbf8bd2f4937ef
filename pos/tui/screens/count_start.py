"""Stock count (command palette): join an open count, or start one with its scope and count it straight away.

A new count covers the whole store, one category, one design, or a rail: SKUs scanned or typed one by
one. Starting a count needs no manager, as `pos count start` does not: it changes no stock and its
scope is fixed; the manager comes in to approve (F10 on the count screen) or to cancel it. Reads run
on the till core's look-up lane and the start on its sales lane, so the dialog never waits on the ledger.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from common.errors import PosError, UnknownCode
from pos.tui.widgets.dialog_input import DialogInput
from pos.tui.widgets.footer import TillFooter
from pos.tui.widgets.message_line import MessageLine
from pos.tui.widgets.scan_input import ScanInput

if TYPE_CHECKING:
    from inventory.catalog import VariantInfo
    from inventory.stock_views import DesignOutline
    from pos.sales.till_core import TillCore
    from pos.stock.counts import CountSummary

# The first stage's ways to start a count: (option id, words).
STARTS = (
    ("store", "Start a count of the whole store"),
    ("category", "Start a count of one category..."),
    ("design", "Start a count of one design..."),
    ("rail", "Start a count of a rail: scan or type its SKUs..."),
)
TITLES = {
    "choose": "Stock count: join one or start one",
    "category": "Start a count of one category",
    "design": "Start a count of one design",
    "rail": "Start a count of a rail",
}


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


class StockCountModal(ModalScreen["int | None"]):
    """Dismissed with the count to scan into (joined, or just started), or None (Esc)."""

    BINDINGS = [
        Binding("enter", "choose", "Choose"),
        Binding("up", "move(-1)", "Up", key_display="↑"),
        Binding("down", "move(1)", "Down", key_display="↓"),
        Binding("f8", "drop_last", "Take off last"),
        Binding("f10", "start_rail", "Start count"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, core: TillCore) -> None:
        super().__init__()
        self._core = core
        self.stage = "choose"  # then "category", "design" or "rail"
        self._open: list[CountSummary] = []
        self._outline: list[DesignOutline] = []
        self._names: list[str] = []  # the names listed in the category or design stage, as filtered
        self.rail: list[VariantInfo] = []  # the SKUs of the rail, in the order scanned
        self.looking_up = 0  # rail scans whose look-up has not come back
        self._start_when_looked_up = False
        self._starting = False
        self._read_yet = False  # the open counts and the catalogue's names have come back

    def compose(self) -> ComposeResult:
        with Vertical(id="count-start-dialog", classes="dialog"):
            yield Label(TITLES["choose"], id="count-start-title", classes="dialog-title")
            yield DialogInput(placeholder="Type part of the name to narrow the list", id="count-start-filter")
            yield ScanInput(placeholder="Scan or type each SKU on the rail, Enter after each", id="count-start-scan")
            listing = OptionList(id="count-start-list")
            listing.can_focus = False  # the dialog's own keys move and choose; a text field keeps the keyboard
            yield listing
            yield MessageLine("Looking for open counts...", id="count-start-message")
        yield TillFooter()

    def on_mount(self) -> None:
        self._show_stage("choose")
        engine = self._core.engine

        def read() -> tuple[list[CountSummary], list[DesignOutline]]:
            from inventory.stock_views import catalogue_outline
            from pos.stock.counts import list_counts

            return list_counts(engine), catalogue_outline(engine)

        self._core.lanes.lookups.submit(read, self._read)

    def _read(self, result: tuple[list[CountSummary], list[DesignOutline]] | Exception) -> None:
        if not self.is_attached:
            return
        if isinstance(result, Exception):
            self.say(str(result) if isinstance(result, PosError) else f"Could not read the ledger: {result}",
                     error=True)
            return
        self._open, self._outline = result
        self._read_yet = True
        if self.stage == "choose":
            self._show_stage("choose")

    # --- stages ---------------------------------------------------------------------------------

    def _show_stage(self, stage: str) -> None:
        self.stage = stage
        self.query_one("#count-start-title", Label).update(TITLES[stage])
        filter_field = self.query_one("#count-start-filter", Input)
        scan_field = self.query_one("#count-start-scan", Input)
        filter_field.display = stage in ("category", "design")
        scan_field.display = stage == "rail"
        filter_field.value = ""
        if stage == "choose":
            self._list_choices()
            self.set_focus(None)
        elif stage == "rail":
            self._list_rail()
            scan_field.focus()
        else:
            self._list_names("")
            filter_field.focus()
        self.refresh_bindings()

    def _list_choices(self) -> None:
        options: list[Option | None] = [
            Option(Text(f"Join count {count.count_id}: {_short(count.scope, 34)} · {_plural(count.scans, 'scan')}"
                        f" · {_short(count.started_by or 'pos count', 12)}"), id=f"join:{count.count_id}")
            for count in self._open
        ]
        if options:
            options.append(None)  # a separator
        options.extend(Option(words, id=f"start:{kind}") for kind, words in STARTS)
        self._fill(options)
        if not self._read_yet:
            self.say("Looking for open counts...")
        elif self._open:
            self.say(f"{_plural(len(self._open), 'count')} open, newest first: Enter joins the highlighted one, "
                     "or start a new one.")
        else:
            self.say("No count is open. Choose what to count; a manager approves it once it is scanned.")

    def _list_names(self, typed: str) -> None:
        needle = typed.strip().lower()
        if self.stage == "category":
            skus: dict[str, int] = {}
            for design in self._outline:
                if design.category:
                    skus[design.category] = skus.get(design.category, 0) + design.skus
            names = sorted(skus, key=str.lower)
            words = {name: f"{name} ({_plural(skus[name], 'SKU')})" for name in names}
        else:
            names = [design.name for design in self._outline]
            words = {design.name: f"{design.name} ({design.category + ', ' if design.category else ''}"
                                  f"{_plural(design.skus, 'SKU')})" for design in self._outline}
        self._names = [name for name in names if needle in name.lower()]
        self._fill([Option(Text(words[name]), id=f"name:{index}") for index, name in enumerate(self._names)])
        if self._names:
            self.say("Enter starts the count of the highlighted one; ↑↓ choose; Esc goes back.")
        else:
            self.say(f"Nothing matches '{typed.strip()[:30]}'." if needle else f"The catalogue has no {self.stage}.",
                     error=bool(needle))

    def _list_rail(self) -> None:
        self._fill([Option(Text(f"{variant.sku:<14} {variant.label}"), id=f"sku:{index}")
                    for index, variant in enumerate(self.rail)])
        listing = self.query_one("#count-start-list", OptionList)
        if self.rail:
            listing.highlighted = len(self.rail) - 1

    def _fill(self, options: list[Option | None]) -> None:
        listing = self.query_one("#count-start-list", OptionList)
        listing.clear_options()
        listing.add_options(options)
        if listing.option_count:
            listing.highlighted = 0

    def say(self, text: str, *, error: bool = False) -> None:
        self.query_one("#count-start-message", MessageLine).say(text, error=error)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("drop_last", "start_rail"):
            return self.stage == "rail"
        if action == "choose":
            return self.stage != "rail"  # the scan field takes Enter on the rail
        return True

    # --- keys -----------------------------------------------------------------------------------

    @on(Input.Changed, "#count-start-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self.stage in ("category", "design"):
            self._list_names(event.value)

    def action_move(self, step: int) -> None:
        listing = self.query_one("#count-start-list", OptionList)
        if step < 0:
            listing.action_cursor_up()
        else:
            listing.action_cursor_down()

    def action_choose(self) -> None:
        option = self.query_one("#count-start-list", OptionList).highlighted_option
        if option is None or option.id is None or self._starting:
            return
        kind, _, value = option.id.partition(":")
        if kind == "join":
            self.dismiss(int(value))
        elif kind == "start" and value == "store":
            self._start({})
        elif kind == "start":
            self._show_stage(value)
        elif kind == "name":
            name = self._names[int(value)]
            self._start({"category": name} if self.stage == "category" else {"design": name})

    def action_back(self) -> None:
        if self.stage == "choose":
            self.dismiss(None)
        else:
            self._show_stage("choose")

    # --- a rail: scan its SKUs, then F10 --------------------------------------------------------

    @on(ScanInput.Scanned, "#count-start-scan")
    def _scanned(self, event: ScanInput.Scanned) -> None:
        event.stop()
        code = event.code.strip()
        if not code or self.stage != "rail":
            return
        engine = self._core.engine

        def find() -> VariantInfo:
            from inventory.catalog import look_up_code

            return look_up_code(engine, code)

        self.looking_up += 1
        self._core.lanes.lookups.submit(find, lambda result: self._found(code, result))

    def _found(self, code: str, result: VariantInfo | Exception) -> None:
        self.looking_up -= 1
        if not self.is_attached:
            return
        if isinstance(result, UnknownCode):
            self.app.bell()
            self.say(f"{code[:40]} is not in the catalogue: not added to the rail.", error=True)
        elif isinstance(result, Exception):
            self.app.bell()
            self.say(str(result) if isinstance(result, PosError) else f"Not added: {result}", error=True)
        elif any(variant.sku == result.sku for variant in self.rail):
            self.say(f"{result.sku} is on the rail already ({_plural(len(self.rail), 'SKU')}).")
        else:
            self.rail.append(result)
            self._list_rail()
            self.say(f"{_plural(len(self.rail), 'SKU')} on the rail. Scan the next, or F10 starts the count.")
        if self.looking_up == 0 and self._start_when_looked_up:
            self._start_when_looked_up = False
            self.action_start_rail()

    def action_drop_last(self) -> None:
        if not self.rail:
            self.say("The rail has no SKU to take off.", error=True)
            return
        dropped = self.rail.pop()
        self._list_rail()
        self.say(f"{dropped.sku} taken off; {_plural(len(self.rail), 'SKU')} on the rail.")

    def action_start_rail(self) -> None:
        if self.looking_up:  # F10 straight after a scan: start once that scan is on the rail
            self._start_when_looked_up = True
            return
        if not self.rail:
            self.say("Scan or type the rail's SKUs first, Enter after each; then F10.", error=True)
            return
        self._start({"skus": [variant.sku for variant in self.rail]})

    # --- starting -------------------------------------------------------------------------------

    def _start(self, scope: dict[str, Any]) -> None:
        if self._starting:
            return
        self._starting = True
        engine, actor = self._core.engine, self._core.actor

        def start() -> int:
            from pos.staff.services import unit_of_work
            from pos.stock.counts import start_count

            return start_count(unit_of_work(engine, actor), **scope)

        self.say("Starting the count...")
        self._core.lanes.sales.submit(start, self._started)

    def _started(self, result: int | Exception) -> None:
        self._starting = False
        if not self.is_attached:
            return
        if isinstance(result, Exception):
            self.say(str(result) if isinstance(result, PosError) else f"The count was not started: {result}",
                     error=True)
            return
        self.dismiss(result)
