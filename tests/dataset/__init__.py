"""Tests of the multi-agency dataset."""
