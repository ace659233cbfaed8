"""What the benchmark scripts share: the environment their commands run in."""

from __future__ import annotations

import os

# As a user runs the commands: with the bytecode Python writes on first import (an
# installation compiles it too), whatever PYTHONDONTWRITEBYTECODE this shell sets; and
# without Material's MkDocs 2.0 banner on stderr.
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
       "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
