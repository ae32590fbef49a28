"""``python -m planner.cli``: the ``mesoplanner`` command run from this checkout."""

from planner.cli import main

raise SystemExit(main())
