"""``python -m exactloss ARGS...``: the ``exactloss`` command (:func:`exactloss.surfaces.cli.main`).

The same parser, exit codes and ``--json`` output as the installed ``exactloss`` script, for environments where
the script is not on ``PATH`` (a notebook kernel, ``pipx run``, a CI step with ``python -m``).
"""

import sys

from exactloss.surfaces.cli import main

if __name__ == "__main__":
    sys.exit(main())
