"""The training programme's services: ``programme`` (courses, sessions, attendance,
evaluations, follow-ups, settings), ``uptake`` (attendance against expected places) and
``imports`` (attendance from a booking system's spreadsheet)."""
