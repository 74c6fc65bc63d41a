"""``python3 -m wsest ...`` is the wsest CLI: same flags, same output, same exit codes."""
import sys

from ._cli import main

sys.exit(main())
