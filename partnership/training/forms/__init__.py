"""The training programme's forms: ``programme`` (courses, sessions, attendance, evaluations,
follow-ups, settings, expected places) and the import's."""
