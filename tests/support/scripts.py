"""Load a script of ``scripts/`` as a module, the way ``python scripts/<name>.py`` would find its imports."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def load_module(path: Path, name: str) -> ModuleType:
    if str(path.parent) not in sys.path:
        sys.path.append(str(path.parent))  # a script imports its neighbours (table_access) by name
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
