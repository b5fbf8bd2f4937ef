"""`pos report x` and `pos report z`: a shift's X (the open shift so far) and Z (a closed shift).

Both show the report as a table, CSV, JSON or a PDF with charts (`--format pdf`, saved under
data/reports/ unless `--out` names the file), and `--print` prints the summary on the till's
receipt printer; the PDF is then saved too, so a printer that is unplugged loses nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from common.errors import PosError
from common.files import private_dir

_DB_HELP = "Ledger URL (default: POS_DATABASE_URL, else sqlite:///data/ledger.sqlite)."
_FORMATS = click.Choice(["table", "csv", "json", "pdf"])


def _options(command):  # type: ignore[no-untyped-def]
    for option in reversed((
        click.option("--format", "output", type=_FORMATS, default="table", show_default=True),
        click.option("--out", type=click.Path(path_type=Path),
                     help="Write the report to this file (for pdf: default data/reports/NAME.pdf)."),
        click.option("--print", "to_printer", is_flag=True, help="Also print the summary on the till's receipt printer "
                     "(the PDF is saved under data/reports/ too)."),
        click.option("--config", type=click.Path(path_type=Path), help="The configuration file (the printer)."),
        click.option("--db", help=_DB_HELP),
    )):
        command = option(command)
    return command


@click.command(name="x")
@click.option("--till", "till_name", required=True, help="The till whose open shift to show.")
@_options
def report_x(till_name: str, output: str, out: Path | None, to_printer: bool, config: Path | None,
             db: str | None) -> None:
    """The X report: the till's open shift so far (sales, refunds, tenders, cash, designers). Closes nothing."""
    from pos.reports.shift import x_report

    _show(lambda engine: x_report(engine, till_name), output, out, to_printer, config, db)


@click.command(name="z")
@click.argument("shift", type=int, required=False)
@click.option("--till", "till_name", help="The till (without SHIFT: its last closed shift).")
@_options
def report_z(shift: int | None, till_name: str | None, output: str, out: Path | None, to_printer: bool,
             config: Path | None, db: str | None) -> None:
    """The Z report of closed shift SHIFT, or of the till's last closed shift, with its counted drawer."""
    from pos.reports.shift import z_report

    _show(lambda engine: z_report(engine, shift, till_name), output, out, to_printer, config, db)


def _show(read, output: str, out: Path | None, to_printer: bool, config: Path | None,  # type: ignore[no-untyped-def]
          db: str | None) -> None:
    from pos.cli import _fail, _open, _pdf_out, _settings

    if out is not None:
        _pdf_out(out)  # a folder, or a folder that is not there, is refused before anything is read
    settings = _settings(str(config) if config else None) if (to_printer or output == "pdf") else None
    try:
        report = read(_open(db))
    except PosError as error:
        _fail(error)
    from pos.reports.shift_render import (
        DEFAULT_REPORTS_DIR, print_shift_report, report_file_name, shift_csv, shift_pdf, shift_table, write_file,
    )

    saved: Path | None = None
    if output == "pdf" or to_printer:
        target = out if (output == "pdf" and out is not None) else DEFAULT_REPORTS_DIR / report_file_name(report)
        try:
            private_dir(target.parent)
            saved = write_file(target, shift_pdf(report, settings.store if settings else None))
        except OSError as error:
            _fail(PosError(f"Could not write {target}: {error.strerror or error}. Nothing was written."))
    if output == "pdf":
        click.echo(f"{report.kind} report of shift {report.shift.id} ({report.shift.till}) written to {saved}.")
    else:
        text = {"json": lambda: json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n",
                "csv": lambda: shift_csv(report), "table": lambda: shift_table(report)}[output]()
        if out is None:
            click.echo(text, nl=False)
        else:
            try:
                write_file(out, text.encode("utf-8"))
            except OSError as error:
                _fail(PosError(f"Could not write {out}: {error.strerror or error}. Nothing was written."))
            click.echo(f"{report.kind} report of shift {report.shift.id} ({report.shift.till}) written to {out}.",
                       err=True)
    if to_printer:
        assert settings is not None
        said = print_shift_report(settings, report.shift.till, report)
        if output != "pdf":
            said += f" Saved: {saved}."
        click.echo(said, err=True)
