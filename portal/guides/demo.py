"""Demo data: demo drafts awaiting review (idempotent; called by `flask demo`)."""


def seed() -> None:
    """Filled in with the feature; safe to run more than once."""
