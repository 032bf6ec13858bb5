"""The API reference page (book/api.md): every public module is on it, and plain napoleon renders every docstring.

The page is autodoc + napoleon with no local extension, so the docstrings
themselves follow napoleon's numpydoc rules. These checks run napoleon's own
converter (no Sphinx build):

* "Taught in chapter N." stands in the description, before the first
  numpydoc section; after a Returns or Raises section it would be read as one
  more returned value or exception;
* a field section (Parameters, Returns, ...) holds entries only; prose goes
  in the description or a Notes section;
* a module docstring has no underlined title napoleon does not know ("What is
  here" would become a heading of the page): it writes "What is here:";
* a module constant's ``#:`` comment has no ``text: more text`` on its first
  line, which napoleon would split into a type and a description;
* a NamedTuple's fields would each be listed as "Alias for field number N":
  the page documents NamedTuple classes with ``autoclass`` and no field members.
"""

from __future__ import annotations

import importlib
import inspect
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from sphinx.ext.napoleon import Config
from sphinx.ext.napoleon.docstring import NumpyDocstring
from sphinx.pycode import ModuleAnalyzer

ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "book" / "api.md").read_text()
_UNDERLINE = re.compile(r"^([-=~^\"'`])\1{2,}\s*$")
_CLAIM = re.compile(r"^(Taught|Used) in chapters? ")


def _napoleon_config() -> Config:
    """napoleon's settings as _config.yml gives them to the book build."""
    conf = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]
    return Config(**{k: v for k, v in conf.items() if k.startswith("napoleon_")})


CONFIG = _napoleon_config()
KNOWN_SECTIONS = set(NumpyDocstring("", CONFIG)._sections)
FIELD_SECTIONS = {
    "parameters", "params", "other parameters", "returns", "return", "yields", "yield", "raises", "raise",
    "warns", "warn", "attributes", "receives", "receive", "keyword args", "keyword arguments", "args", "arguments",
}  # fmt: skip


def _package_modules() -> set[str]:
    """Public modules of the package: the committed ones (work in progress does not count), or all in a tarball."""
    proc = subprocess.run(["git", "ls-files", "lstm_tutorial/*.py"], cwd=ROOT, capture_output=True, text=True)
    paths = [Path(p) for p in proc.stdout.split()] if proc.returncode == 0 and proc.stdout.strip() else None
    if paths is None:
        paths = list((ROOT / "lstm_tutorial").glob("*.py"))
    return {f"lstm_tutorial.{p.stem}" for p in paths if p.parent.name == "lstm_tutorial" and not p.stem.startswith("_")}


MODULES = sorted(m for m in _package_modules() if (ROOT / "lstm_tutorial" / f"{m.split('.')[1]}.py").exists())


def _documented() -> list[tuple[str, str, Any]]:
    """``(qualified name, what, object)`` of every docstring the API page shows."""
    out: list[tuple[str, str, Any]] = []
    seen: set[int] = set()
    for name in MODULES:
        module = importlib.import_module(name)
        out.append((name, "module", module))
        public = getattr(module, "__all__", [n for n in vars(module) if not n.startswith("_")])
        for attr in public:
            obj = getattr(module, attr)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)) or id(obj) in seen:
                continue
            if getattr(obj, "__module__", "").split(".")[0] != "lstm_tutorial":
                continue
            seen.add(id(obj))
            out.append((f"{name}.{attr}", "class" if inspect.isclass(obj) else "function", obj))
            if inspect.isclass(obj):
                for m, member in vars(obj).items():
                    if not m.startswith("_") and (inspect.isfunction(member) or isinstance(member, property)):
                        out.append((f"{name}.{attr}.{m}", "method", member))
    return out


DOCUMENTED = _documented()


def _doc(obj: Any) -> str:
    return inspect.cleandoc(getattr(obj, "__doc__", None) or "")


def _sections(lines: list[str]) -> list[int]:
    """Indices of numpydoc section titles: an unindented line followed by an underline."""
    return [
        i
        for i in range(len(lines) - 1)
        if lines[i].strip() and not lines[i][0].isspace() and _UNDERLINE.match(lines[i + 1])
    ]


def field_section_prose(doc: str) -> list[str]:
    """Paragraphs of prose inside field sections (napoleon would read them as entries)."""
    lines = doc.split("\n")
    heads = _sections(lines)
    found = []
    for k, start in enumerate(heads):
        if lines[start].strip().lower() not in FIELD_SECTIONS:
            continue
        end = heads[k + 1] if k + 1 < len(heads) else len(lines)
        j = start + 2
        while j < end:
            if lines[j].strip() and not lines[j][0].isspace() and not lines[j - 1].strip():
                n = j
                while n < end and lines[n].strip() and not lines[n][0].isspace():
                    n += 1
                paragraph = lines[j:n]
                # an entry is one line ("name : type" or a type); a sentence ends with "." or "::"
                if len(paragraph) > 1 or paragraph[0].rstrip().endswith((".", "::")):
                    found.append(f"{lines[start].strip()}: {paragraph[0].strip()!r}")
                j = n
            j += 1
    return found


def test_api_page_documents_every_public_module() -> None:
    documented = set(re.findall(r"automodule:: (lstm_tutorial\.\w+)", PAGE))
    missing = sorted(_package_modules() - documented)
    assert not missing, f"add these modules to book/api.md: {missing}"
    unknown = sorted(documented - {f"lstm_tutorial.{p.stem}" for p in (ROOT / "lstm_tutorial").glob("*.py")})
    assert not unknown, f"book/api.md documents modules that do not exist: {unknown}"


def test_api_page_is_in_the_table_of_contents() -> None:
    toc = (ROOT / "_toc.yml").read_text()
    assert re.search(r"^\s*- file: book/api\s*$", toc, re.M), "book/api is not switched on in _toc.yml"


def test_the_book_renders_docstrings_with_plain_napoleon() -> None:
    config = (ROOT / "_config.yml").read_text()
    assert "sphinx.ext.napoleon" in config
    assert "lstm_api" not in config and not (ROOT / "_ext" / "lstm_api.py").exists()


def test_the_checks_below_can_fail() -> None:
    bad = "Sum.\n\nReturns\n-------\nfloat\n    The sum.\n\nTaught in chapter 3."
    assert field_section_prose(bad) == ["Returns: 'Taught in chapter 3.'"]
    # and napoleon would indeed make that sentence a second returned value
    assert "Taught in chapter 3." in str(NumpyDocstring(bad, CONFIG)).split(":returns:")[1]
    good = "Sum.\n\nTaught in chapter 3.\n\nReturns\n-------\nfloat\n    The sum."
    assert field_section_prose(good) == []
    assert _claim_renders_as_prose(good)


def _claim_renders_as_prose(doc: str) -> bool:
    rendered = str(NumpyDocstring(doc, CONFIG, what="function")).split("\n")
    first_field = next((i for i, line in enumerate(rendered) if line.startswith((":", ".. "))), len(rendered))
    return any(_CLAIM.match(line) for line in rendered[:first_field])


@pytest.mark.parametrize("qualname,what,obj", DOCUMENTED, ids=[q for q, _, _ in DOCUMENTED])
def test_docstring_renders_as_written(qualname, what, obj):
    doc = _doc(obj)
    prose = field_section_prose(doc)
    assert not prose, f"{qualname}: prose inside a field section (move it up, or into Notes): {prose}"
    if what == "module":
        unknown = [lines for lines in (doc.split("\n")[i] for i in _sections(doc.split("\n")))]
        unknown = [t for t in unknown if t.strip().lower() not in KNOWN_SECTIONS]
        assert not unknown, f"{qualname}: section titles napoleon does not know (write 'Title:' instead): {unknown}"
    elif any(_CLAIM.match(line) for line in doc.split("\n")):
        assert _claim_renders_as_prose(doc), f"{qualname}: put 'Taught in chapter N.' before the numpydoc sections"


@pytest.mark.parametrize("module_name", MODULES)
def test_constant_comments_are_not_split_into_type_and_description(module_name):
    split = []
    for (_, name), lines in ModuleAnalyzer.for_module(module_name).find_attr_docs().items():
        rendered = str(NumpyDocstring(lines, CONFIG, what="data", name=f"{module_name}.{name}"))
        if ":type:" in rendered:
            split.append(f"{name}: {lines[0]!r}")
    assert not split, f"napoleon reads 'text: text' on a constant's first line as 'type: description': {split}"


def test_namedtuple_fields_are_not_listed_as_aliases():
    """A NamedTuple's fields are its docstring's Attributes; autoclass without field members shows them once."""
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        block = re.search(rf"automodule:: {re.escape(module_name)}\n((?:   .*\n)*)", PAGE)
        if block is None:
            continue
        options = block.group(1)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if not (inspect.isclass(obj) and issubclass(obj, tuple) and hasattr(obj, "_fields")):
                continue
            excluded = re.search(r":exclude-members:(.*)", options)
            assert excluded and name in re.split(r"[,\s]+", excluded.group(1)), (
                f"book/api.md: exclude {name} from automodule:: {module_name} and give it its own autoclass"
            )
            if obj.__module__ == module_name or module_name.endswith(".numpy"):
                entry = re.search(rf"autoclass:: [\w.]*\b{name}\n((?:   .*\n)*)", PAGE)
                assert entry, f"book/api.md: add an autoclass for {name}"
                members = re.search(r":members:(.*)", entry.group(1))
                listed = set(re.split(r"[,\s]+", members.group(1).strip())) if members else set()
                assert members is None or (listed and not listed & set(obj._fields)), (
                    f"book/api.md: the autoclass of {name} must not list its fields (or all members)"
                )
