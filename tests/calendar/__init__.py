"""Calendar feed tests."""
