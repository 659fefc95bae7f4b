"""The services catalogue: each app declares its services (``<app>/catalogue.py``), and each
establishment decides which profiles have them (académie defaults, the principal's overrides)."""
