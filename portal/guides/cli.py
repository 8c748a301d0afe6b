"""flask content import | export."""

from pathlib import Path

import click
from flask.cli import AppGroup

from portal.guides import content

content_group = AppGroup("content", help="Guides and provision pages (content/).")


@content_group.command("import")
@click.option(
    "--path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=content.CONTENT
)
def import_command(path: Path) -> None:
    """Load content/ into the database; a file that has not changed adds nothing."""
    counts = content.import_content(path)
    click.echo(f"Imported {counts['pages']} new pages and {counts['revisions']} new revisions.")


@content_group.command("export")
@click.option("--path", type=click.Path(file_okay=False, path_type=Path), default=content.CONTENT)
def export_command(path: Path) -> None:
    """Write every published page back to content/ as markdown with front matter."""
    click.echo(f"Wrote {content.export_content(path)} files.")
