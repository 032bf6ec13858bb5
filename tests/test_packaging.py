"""The package as a reader gets it: a wheel built from a clone, and the Binder pins.

The wheel is built the way `pip install .` builds it (sdist, then a wheel from
the unpacked sdist), from a copy of the repository in a temporary folder so
the working tree is left untouched. `--no-isolation` uses the setuptools of
this environment (pinned in requirements.txt), so no download is needed.
"""

from __future__ import annotations

import email.parser
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lstm_tutorial"
# Left out of the copy: environments, build outputs and caches.
SKIP = shutil.ignore_patterns(
    ".git", ".venv", "_build", "build", "dist", "node_modules", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build an sdist and a wheel from a copy of the repository; return the wheel."""
    tmp = tmp_path_factory.mktemp("packaging")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=SKIP)
    out = tmp / "dist"
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(src)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"python -m build failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    wheels = sorted(out.glob("*.whl"))
    assert len(wheels) == 1, f"expected one wheel in {out}, found {[w.name for w in out.iterdir()]}"
    assert list(out.glob("*.tar.gz")), "no sdist was built"
    return wheels[0]


@pytest.fixture(scope="module")
def metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(zf.read(name).decode())


def test_metadata_names_licence_python_and_urls(metadata: email.message.Message) -> None:
    assert metadata["Name"] == "lstm-tutorial"
    licence = metadata.get("License-Expression") or metadata.get("License")
    assert licence == "MIT", f"licence in METADATA: {licence!r}"
    assert re.fullmatch(r">=\s*3\.\d+", metadata["Requires-Python"] or ""), metadata["Requires-Python"]
    urls = dict(u.split(", ", 1) for u in metadata.get_all("Project-URL", []))
    for label in ("Homepage", "Source", "Documentation"):
        assert urls.get(label, "").startswith("https://"), f"Project-URL {label} missing: {urls}"


def test_metadata_declares_extras(metadata: email.message.Message) -> None:
    extras = set(metadata.get_all("Provides-Extra", []))
    assert {"torch", "widgets"} <= extras, extras
    requires = metadata.get_all("Requires-Dist", [])
    assert any(r.startswith("torch") and 'extra == "torch"' in r for r in requires), requires
    assert any(r.startswith("ipywidgets") and 'extra == "widgets"' in r for r in requires), requires
    # the base install must not pull torch or ipywidgets
    base = [r.split(";")[0].strip() for r in requires if "extra ==" not in r]
    assert not [r for r in base if r.startswith(("torch", "ipywidgets"))], base


def test_wheel_contains_every_module_and_data_file(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    expected = {
        p.relative_to(ROOT).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and p.suffix in {".py", ".csv", ".json", ".txt", ".md", ".npz"} and "__pycache__" not in p.parts
    }
    assert any(n.endswith(".py") for n in expected)
    missing = sorted(expected - names)
    assert not missing, f"files of lstm_tutorial/ missing from {wheel.name}: {missing}"


def test_extras_resolve_against_the_pinned_environment(wheel: Path, tmp_path: Path) -> None:
    """`pip install "lstm-tutorial[torch,widgets]"` is satisfiable by requirements.txt's pins (no index used)."""
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--quiet", "--disable-pip-version-check",
         "--report", str(tmp_path / "report.json"), f"{wheel}[torch,widgets]"],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    installs = {item["metadata"]["name"]: item for item in report["install"]}
    assert set(installs) == {"lstm-tutorial"}, f"would need more than the pinned environment: {sorted(installs)}"
    assert sorted(installs["lstm-tutorial"].get("requested_extras", [])) == ["torch", "widgets"]


def test_installed_wheel_works_outside_the_clone(wheel: Path, tmp_path: Path) -> None:
    """Install the wheel into a bare folder and use every module from there, not from the source tree."""
    target = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", "--disable-pip-version-check",
         "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    script = """
import importlib, pathlib, sys
import numpy as np
import lstm_tutorial
from lstm_tutorial import numpy as ltn, torch as ltt
here = pathlib.Path(lstm_tutorial.__file__).resolve()
assert here.is_relative_to(pathlib.Path(sys.argv[1]).resolve()), here
for name in sys.argv[2:]:
    importlib.import_module("lstm_tutorial." + name)
p = ltn.init_lstm_params(input_size=2, hidden_size=3, seed=0)
hs, _ = ltn.lstm(np.ones((4, 2)), None, p)
pt = ltt.LSTMParams(*(ltt.torch.from_numpy(a) for a in p))
ht, _ = ltt.lstm(ltt.torch.ones(4, 2, dtype=ltt.torch.float64), None, pt)
np.testing.assert_allclose(hs, ht.detach().numpy())
print("ok", hs.shape)
"""
    modules = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    env = {**os.environ, "PYTHONPATH": str(target), "MPLBACKEND": "Agg"}
    run = subprocess.run(
        [sys.executable, "-c", script, str(target), *modules],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("ok (4, 3)"), run.stdout


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", line)
        if m:
            pins[m.group(1).lower()] = m.group(2)
    return pins


def test_binder_pins_match_the_book_pins() -> None:
    """binder/requirements.txt: the same versions as requirements.txt, torch as the CPU-only build."""
    binder = ROOT / "binder" / "requirements.txt"
    ours, theirs = _pins(ROOT / "requirements.txt"), _pins(binder)
    lines = [line.split("#", 1)[0].strip() for line in binder.read_text().splitlines()]
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in lines
    assert theirs.get("torch") == ours["torch"] + "+cpu", theirs.get("torch")
    assert "." in lines or "-e ." in lines, "binder/requirements.txt must install the package itself"
    for name, version in theirs.items():
        if name != "torch":
            assert ours.get(name) == version, f"{name}: binder pins {version}, requirements.txt {ours.get(name)}"
    for name in ("numpy", "matplotlib", "ipywidgets", "ipykernel", "tqdm"):
        assert name in theirs, f"binder/requirements.txt does not pin {name}"
