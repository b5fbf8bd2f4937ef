"""The footer every till screen uses: Textual's Footer without its per-rebuild leak or needless rebuilds."""

from __future__ import annotations

from collections.abc import Hashable

from textual.widgets import Footer


class TillFooter(Footer):
    """Footer that rebuilds only when the keys it shows change, and lets go of the keys it removed.

    Textual's Footer rebuilds (recompose: new key widgets, styles applied again) every time the
    screen's bindings are refreshed: each focus change, dialog opened or closed, and panel switch.
    A card sale did that about 17 times with nothing in the footer changing, and the garbage of the
    discarded widgets made the collector's full passes long enough to delay scans (bench: scan to
    basket p95). Here the footer first compares what it would show with what it shows.

    In Textual 8.2.8 each footer key is bound to Footer.compact with data_bind, and the footer keeps
    those watchers until `compact` changes, which never happens here, so a busy till grew by about
    1 MiB a sale (bench/README.md, memory). Dropping the watchers of detached keys before each
    rebuild fixes it.
    """

    _shown: Hashable = None  # what the keys show now, as compared before a rebuild

    def _would_show(self) -> Hashable:
        """Everything Footer.compose reads to draw the keys, as one comparable value."""
        return (
            self.compact,
            self.show_command_palette,
            tuple(
                (binding.key, binding.key_display, binding.description, binding.action, binding.show,
                 binding.group, enabled, tooltip)
                for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
            ),
        )

    async def recompose(self) -> None:
        if not self.is_attached:
            return
        shown = self._would_show() if self._bindings_ready else None
        if shown is not None and shown == self._shown:
            return  # the same keys, enabled the same way: nothing to redraw
        for watchers in getattr(self, "__watchers", {}).values():
            watchers[:] = [(node, callback) for node, callback in watchers if node.is_attached]
        await super().recompose()
        self._shown = shown
