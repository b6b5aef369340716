"""Tests of the escalations and professional differences log."""
