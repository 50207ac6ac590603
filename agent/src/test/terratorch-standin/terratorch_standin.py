"""Entry point of the test-only `terratorch` stand-in; the rules live in standin/ and the contract tables."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import yaml  # noqa: F401  (PyYAML reads the job's YAML, as jsonargparse does)
except ImportError:
    # a python3 first on PATH without PyYAML (a pyenv build, say): Debian's, with python3-yaml
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", os.path.abspath(__file__)] + sys.argv[1:])
    sys.exit("terratorch stand-in: no python3 with PyYAML; install Debian's python3-yaml")

from standin.main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
