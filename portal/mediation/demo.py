"""Demo data: demo mediation slots and a request (idempotent; called by `flask demo`)."""


def seed() -> None:
    """Filled in with the feature; safe to run more than once."""
