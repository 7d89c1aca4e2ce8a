"""Regenerate this repository's api-docs/ from the bundled reference API.

The same as ``apiscribe generate`` run from the repository root: it parses the arguments and
hands them to apiscribe. Run ``python api-docs/generate.py --help`` for the options.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

try:
    from apiscribe.cli import main
except ImportError:  # running from a checkout without installing apiscribe
    sys.path.insert(0, str(ROOT / "generator"))
    from apiscribe.cli import main

if __name__ == "__main__":
    main(["--project", str(ROOT), "generate", *sys.argv[1:]], prog_name="api-docs/generate.py")
