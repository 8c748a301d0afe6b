"""flask local-offer import | generate | reindex."""

from pathlib import Path

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.local_offer import importer, search

local_offer_group = AppGroup("local-offer", help="The Local Offer directory.")


@local_offer_group.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def import_command(path: Path) -> None:
    """Load listings from our YAML files or ORUK JSON (a file or a folder). Re-importing updates."""
    try:
        counts = importer.import_path(path)
    except importer.ImportError_ as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Imported {counts['services']} listings, {counts['organisations']} organisations, "
        f"{counts['areas']} areas."
    )


@local_offer_group.command("generate")
@click.argument("count", type=click.IntRange(1, 1_000_000))
@click.option("--seed", default=1, show_default=True)
def generate_command(count: int, seed: int) -> None:
    """Add COUNT synthetic services (for benchmarks)."""
    importer.generate(count, seed=seed)
    click.echo(f"Generated {count} synthetic services.")


@local_offer_group.command("reindex")
def reindex_command() -> None:
    """Rebuild the search word list."""
    search.rebuild_words()
    db.session.commit()
    click.echo("Search words rebuilt.")
