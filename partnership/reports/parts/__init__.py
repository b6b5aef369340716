"""The yearly report, one module per part: each turns the period's records into its content.

:mod:`.records` loads what every part reads and answers the questions they share (does an
action count, was it complete, in progress, closed), always as things stood on ``as_of``.
:func:`partnership.reports.assemble.assemble` calls the parts in turn.
"""
