"""Config: pydantic validation with errors naming the file, the key path and what is allowed."""

from __future__ import annotations

import pytest
import yaml

import parcours
from parcours.config import config_reference, load_config, load_mapping, render_config, WorkspaceConfig
from parcours.errors import ConfigError


def test_rendered_config_round_trips_and_documents_every_setting(tmp_path):
    text = render_config(WorkspaceConfig())
    path = tmp_path / "parcours.yaml"
    path.write_text(text)
    assert load_config(path) == WorkspaceConfig()
    for key in ("warehouse:", "url:", "timezone:", "default_country_code:", "lang:", "sources:"):
        assert key in text
    # every non-comment setting line is preceded by a comment line
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() and not line.lstrip().startswith("#") and not line.lstrip().startswith("-"):
            assert lines[i - 1].lstrip().startswith("#"), line


def test_unknown_key_names_file_path_and_allowed(tmp_path):
    path = tmp_path / "parcours.yaml"
    path.write_text(yaml.safe_dump({"warehouse": {"urll": "duckdb://"}}))
    with pytest.raises(ConfigError) as e:
        load_config(path)
    msg = str(e.value)
    assert str(path) in msg and "warehouse.urll" in msg and "url" in msg and "threads" in msg


def test_wrong_type_names_key(tmp_path):
    path = tmp_path / "parcours.yaml"
    path.write_text("warehouse:\n  threads: many\n")
    with pytest.raises(ConfigError, match=r"warehouse\.threads"):
        load_config(path)


def test_bad_timezone(tmp_path):
    path = tmp_path / "parcours.yaml"
    path.write_text("timezone: Mars/Olympus\n")
    with pytest.raises(ConfigError, match="unknown time zone 'Mars/Olympus'"):
        load_config(path)


def test_invalid_yaml_names_line(tmp_path):
    path = tmp_path / "parcours.yaml"
    path.write_text("name: a\n  bad: [\n")
    with pytest.raises(ConfigError, match="line"):
        load_config(path)


def test_mapping_unknown_canonical_column_lists_allowed(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump({"table": "events", "columns": {"timestamp": "t", "activity": "a",
                                                                    "colour": "c"},
                                    "identifiers": {"email": "e"}}))
    with pytest.raises(ConfigError) as e:
        load_mapping(path)
    assert "colour" in str(e.value) and "channel" in str(e.value) and str(path) in str(e.value)


def test_mapping_requires_required_columns_and_an_identifier():
    with pytest.raises(ConfigError, match="needs timestamp"):
        parcours.config.mapping_from_dict({"table": "events", "columns": {"activity": "a"},
                                           "identifiers": {"email": "e"}})
    with pytest.raises(ConfigError, match="identifiers"):
        parcours.config.mapping_from_dict({"table": "events", "columns": {"activity": "a", "timestamp": "t"}})


def test_config_reference_covers_every_field():
    ref = config_reference()
    for key in ("`warehouse.url`", "`identity.default_country_code`", "`sources[].mapping`", "`timestamp_format`",
                "`identifiers`", "**timestamp**"):
        assert key in ref


def test_readme_configuration_reference_is_generated():
    from pathlib import Path

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert config_reference().strip() in readme, "README's reference drifted: run `parcours config --reference`"
