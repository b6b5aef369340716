"""``flask --app wsgi actions ...``: import a tracker spreadsheet from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from partnership.actions import spreadsheets
from partnership.audit.services import acting_as
from partnership.documents.spreadsheets import SpreadsheetError, Table, read_table
from partnership.extensions import db
from partnership.plans.models import Plan

actions_cli = AppGroup("actions", help="Import a tracker spreadsheet into the action tracker.")


def _mapping(table: Table, pairs: tuple[str, ...]) -> dict[str, str]:
    """Suggest a mapping from the headings, then apply each ``field=Heading`` given."""
    mapping = spreadsheets.suggest_mapping(table.headings)
    for pair in pairs:
        name, equals, heading = pair.partition("=")
        name, heading = name.strip(), heading.strip()
        if not equals or name not in spreadsheets.FIELDS_BY_NAME:
            fields = ", ".join(spreadsheets.FIELD_NAMES)
            raise click.BadParameter(f"{pair!r}: use field=Heading, where field is one of "
                                     f"{fields}", param_hint="--map")
        if not heading:
            mapping.pop(name, None)  # "--map detail=" leaves a field out
        elif heading not in table.headings:
            headings = ", ".join(repr(h) for h in table.headings)
            raise click.BadParameter(f"{pair!r}: the spreadsheet has no column {heading!r}. "
                                     f"Its headings are {headings}", param_hint="--map")
        else:
            mapping[name] = heading
    return mapping


@actions_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--plan", "plan_id", type=int, required=True,
              help="The id of the plan the actions belong to.")
@click.option("--map", "pairs", multiple=True, metavar="FIELD=HEADING",
              help="Take a field from this column (repeatable), e.g. --map title=Action. "
                   "Fields not given are matched by heading.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; import nothing.")
def import_file(file: Path, plan_id: int, pairs: tuple[str, ...], dry_run: bool) -> None:
    """Import actions from a CSV or XLSX tracker; any bad row means nothing is imported."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise click.ClickException(f"There is no plan with the id {plan_id}")
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 10 * 1024 * 1024
    with file.open("rb") as stream:
        content = stream.read(limit + 1)
    if len(content) > limit:
        raise click.ClickException(f"{file.name} is larger than {limit // (1024 * 1024)} MB")
    try:
        table = read_table(file.name, content)
    except SpreadsheetError as problem:
        raise click.ClickException(f"{file.name}: {problem}") from None
    mapping = _mapping(table, pairs)
    problems = spreadsheets.mapping_problems(mapping)
    if problems:
        raise click.ClickException("; ".join(problems.values()) + " (use --map title=Heading)")
    for each in spreadsheets.FIELDS:
        if each.name in mapping:
            click.echo(f"{each.label}: column {mapping[each.name]!r}")

    checked = spreadsheets.validate(plan, mapping, table)
    if checked.problems:
        for problem in checked.problems:
            click.echo(str(problem), err=True)
        bad = len(checked.bad_rows)
        raise click.ClickException(
            f"{file.name} was not imported: {bad} row{'s' if bad != 1 else ''} with problems; "
            "nothing was changed")
    if not checked.candidates:
        raise click.ClickException(f"{file.name} has no actions to import")
    count = len(checked.candidates)
    if dry_run:
        click.echo(f"{count} action{'s' if count != 1 else ''} would be imported into "
                   f"{plan.title} (dry run: nothing was changed)")
        return
    with acting_as("cli"):
        spreadsheets.commit_import(plan, checked, filename=file.name, user=None,
                                   author_name=f"Imported from {file.name}"[:120])
    click.echo(f"Imported {count} action{'s' if count != 1 else ''} into {plan.title}")
