"""``python -m annotator`` behaves exactly like the ``annotator`` console script."""

from annotator.cli.main import main

raise SystemExit(main())
