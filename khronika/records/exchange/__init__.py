"""Moving the whole database in and out as versioned JSON Lines (docs/data-format.md)."""
