"""The footer every till screen uses: Textual's Footer without its per-rebuild leak."""

from __future__ import annotations

from textual.widgets import Footer


class TillFooter(Footer):
    """Footer that lets go of the keys it removed when it rebuilds.

    In Textual 8.2.8 each footer key is bound to Footer.compact with data_bind, and the footer keeps
    those watchers until `compact` changes, which never happens here. The footer rebuilds whenever
    the bindings change (a panel switch, a dialog), so a busy till grew by about 1 MiB a sale
    (bench/README.md, memory). Dropping the watchers of detached keys before each rebuild fixes it.
    """

    async def recompose(self) -> None:
        for watchers in getattr(self, "__watchers", {}).values():
            watchers[:] = [(node, callback) for node, callback in watchers if node.is_attached]
        await super().recompose()
