"""The pull-request workflow: the suite runs `make test`, the preview applies this repository's
policy pack and comments on the PR, and docs/development.md documents every setting it reads."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "pull-request.yml"


def workflow() -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text())
    return loaded


def step_using(job: dict[str, Any], action: str) -> dict[str, Any]:
    steps: list[dict[str, Any]] = job["steps"]
    (step,) = [s for s in steps if str(s.get("uses", "")).startswith(f"{action}@")]
    return step


def test_runs_on_pull_requests_with_read_only_default_token() -> None:
    flow = workflow()
    # PyYAML reads the bare key `on` as True (YAML 1.1).
    assert "pull_request" in flow[True]
    assert flow["permissions"] == {"contents": "read"}


def test_test_job_runs_the_same_command_as_ci() -> None:
    job = workflow()["jobs"]["test"]
    assert [s["run"] for s in job["steps"] if s.get("name") == "make test"] == ["make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    python = step_using(job, "actions/setup-python")
    assert python["with"]["python-version"] == "3.11"


def test_preview_applies_the_policy_pack_and_comments() -> None:
    job = workflow()["jobs"]["preview"]
    assert job["needs"] == "test"
    assert job["permissions"]["pull-requests"] == "write"
    assert job["permissions"]["id-token"] == "write"
    preview = step_using(job, "pulumi/actions")["with"]
    assert preview["command"] == "preview"
    assert preview["comment-on-pr"] is True
    pack = ROOT / preview["policyPacks"]
    assert (pack / "PulumiPolicy.yaml").is_file()
    assert "PULUMI_ACCESS_TOKEN" in step_using(job, "pulumi/actions")["env"]


def test_development_page_lists_every_secret_and_variable_the_workflow_reads() -> None:
    names = set(re.findall(r"\$\{\{\s*(?:secrets|vars)\.(\w+)\s*\}\}", WORKFLOW.read_text()))
    assert {"PULUMI_ACCESS_TOKEN", "AWS_PREVIEW_ROLE_ARN", "PULUMI_STACK"} <= names
    page = (ROOT / "docs" / "development.md").read_text()
    section = page.split("## Pull-request previews", 1)[1].split("\n## ", 1)[0]
    missing = sorted(name for name in names - {"GITHUB_TOKEN"} if f"`{name}`" not in section)
    assert missing == []
