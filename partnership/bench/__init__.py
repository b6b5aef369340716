"""Benchmark of the key pages: ``make bench`` (``python -m partnership.bench``).

It builds a migrated database, loads scaled synthetic data with the real
``demo load --scale N`` command, signs in through the real form and reports median
and p95 server time and SQL statements per request for every page in
:mod:`partnership.bench.pages`.
"""
