"""``python -m analysis``: see :mod:`analysis.cli`."""

import os
import sys

from analysis import cli

code = cli.main()
if cli.LEAN_EXIT:  # a lean measure left nothing to clean up: the interpreter's teardown is skipped
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
sys.exit(code)
