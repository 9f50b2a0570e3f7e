"""Test suite; ``tests.server`` is shared by the API, deploy and browser tests."""
