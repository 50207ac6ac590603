"""`python -m terratorch` runs the stand-in's command line."""

import os
import sys

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

from standin.main import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
