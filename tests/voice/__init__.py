"""Tests of the voice of children and families register."""
