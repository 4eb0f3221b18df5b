"""The dbt project's own settings, read the way dbt reads them, so that ml never restates one:
vars of dbt_project.yml and the profiles of profiles/profiles.yml (env_var() rendered)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jinja2
import yaml

from ml import PROJECT_DIR, UserError

DBT_PROJECT_FILE = PROJECT_DIR / "dbt_project.yml"


def _env_var(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise UserError(f"the dbt project needs the environment variable {name}")
    return value


def render(text: str) -> str:
    """Jinja text rendered with what dbt offers in YAML files: env_var() and as_number."""
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    environment.filters["as_number"] = lambda value: value
    return environment.from_string(text).render(env_var=_env_var)


def load_rendered_yaml(path: Path) -> dict[str, Any]:
    """A YAML file of the project with its env_var() calls rendered."""
    return yaml.safe_load(render(path.read_text()))


def project_vars(overrides: str | dict[str, Any] | None = None) -> dict[str, Any]:
    """The vars of dbt_project.yml (string vars rendered, as dbt renders them), with `overrides`
    on top: a dict, or the YAML text of a `--vars` option, e.g. "{top_n: 20, rating_cap: null}"."""
    defaults = yaml.safe_load(DBT_PROJECT_FILE.read_text())["vars"]
    values = {name: render(value) if isinstance(value, str) else value for name, value in defaults.items()}
    if isinstance(overrides, str):
        try:
            overrides = yaml.safe_load(overrides) if overrides.strip() else {}
        except yaml.YAMLError as error:
            raise UserError(f"--vars is not valid YAML: {overrides!r} ({error.problem})") from None
        if not isinstance(overrides, dict):
            raise UserError(f"--vars must be a YAML mapping like '{{top_n: 20}}', not {overrides!r}")
    unknown = sorted(set(overrides or {}) - set(values))
    if unknown:
        raise UserError(f"unknown var {', '.join(unknown)}; dbt_project.yml defines {', '.join(values)}")
    values.update(overrides or {})
    return values


def project_var(name: str) -> Any:
    """A var's default from dbt_project.yml."""
    return project_vars()[name]


def data_dir() -> Path:
    """The data folder dbt reads by default (var movielens_dir), relative paths from the project root."""
    return PROJECT_DIR / project_var("movielens_dir")
