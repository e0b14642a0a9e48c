"""whodid's version, in a module of its own so that any module can import it without
importing the `whodid` package's API (store -> whodid -> api -> store was a cycle).
Keep it equal to `version` in pyproject.toml."""

__version__ = "0.1.0"
