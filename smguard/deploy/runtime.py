"""How every rule function is built and run: one place for runtime, architecture and build settings."""

from __future__ import annotations

from typing import Any

RUNTIME = "python3.12"
ARCHITECTURE = "arm64"
CODE_URI = "smguard/deploy/codeuri"
"""CodeUri of every function and of the layer: it holds only the build Makefile. SAM copies CodeUri
to a scratch directory, and the repository root (with .venv) is too big for that; the Makefile runs
in the repository root instead (Metadata: WorkingDirectory)."""

BUILD_METADATA: dict[str, Any] = {"BuildMethod": "makefile", "BuildArchitecture": ARCHITECTURE, "WorkingDirectory": "."}
"""SAM's makefile build method: `make build-<LogicalId>` in the repository root (see codeuri/Makefile)."""

FUNCTION_MEMORY_MB = 256
FUNCTION_TIMEOUT_SECONDS = 300
ASYNC_RETRY_ATTEMPTS = 2
ASYNC_MAX_EVENT_AGE_SECONDS = 6 * 3600
