# The Amazon simulator fixtures live in tests/conftest.py, shared by every app.
