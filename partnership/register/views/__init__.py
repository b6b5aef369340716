"""The register's pages: one module per area, each with its own blueprint named ``bp``."""
