"""Entry script of the desktop build (PyInstaller, ``make bundle``): the ``annotator`` command.

With ``ANNOTATOR_START_CHECK=1`` the window closes itself once it is ready (annotator.gui.start_check),
which is how ``make bundle-smoke`` checks a build without anyone at the screen.
"""

import os

from annotator.cli.main import main

if os.environ.get("ANNOTATOR_START_CHECK") == "1":
    from annotator.gui.start_check import close_once_ready

    close_once_ready()
raise SystemExit(main())
