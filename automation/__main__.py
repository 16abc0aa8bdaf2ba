"""`python -m automation` works exactly like the `awards` command."""

from automation.cli import entry

entry()
