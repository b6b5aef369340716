"""Tests of the multi-agency training programme."""
