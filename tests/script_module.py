"""Load a script of ``scripts/`` as a module for a test, and unload it after (the tests of the sweeps and
of ``reader_notebooks.py`` rerun or call the scripts' own functions)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


@contextmanager
def script_module(name: str) -> Iterator[ModuleType]:
    """``scripts/<name>.py`` imported as the module ``name``, taken out of ``sys.modules`` on exit.

    It is put in ``sys.modules`` first: dataclasses, NamedTuples and pickling look a class's module up there.
    """
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    sys.path.insert(0, str(SCRIPTS))  # as `python scripts/<name>.py` has it: the scripts import sweep_common
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(name, None)
        sys.path.remove(str(SCRIPTS))
