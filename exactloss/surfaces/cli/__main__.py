"""``python -m exactloss.surfaces.cli ARGS...``: the ``exactloss`` command (:func:`exactloss.surfaces.cli.main`)."""

import sys

from exactloss.surfaces.cli import main

if __name__ == "__main__":
    sys.exit(main())
