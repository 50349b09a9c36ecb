"""The frozen program's entry point: the same ``main`` as the ``fielddesk`` console script."""

import sys

from desktop_app.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
