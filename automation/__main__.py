"""`python -m automation` works exactly like the `awards` command."""

import sys

from automation.cli import main

sys.exit(main())
