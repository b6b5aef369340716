"""Charts of indicators over time (the partnership, its comparators, the tolerance band)."""
