#!/usr/bin/env python
"""Django's command-line utility; the same commands as the `qiao` console script."""

import sys

from qiao.cli import main

if __name__ == "__main__":
    sys.exit(main())
