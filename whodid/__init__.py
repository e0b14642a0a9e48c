"""whodid: reads news and writes down who did what to whom."""

__version__ = "0.1.0"
