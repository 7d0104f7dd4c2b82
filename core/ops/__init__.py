"""Operations: the `encore-ops` command line and the demo seed. Sits above core.services."""

__all__ = ["cli", "seed"]
