"""The manifest is parsed again exactly when a file of the dbt project is newer than it."""

import os

from pipelines.dbt.project import manifest_is_current
from pipelines.storage.warehouse import dbt_target_path


def project(tmp_path):
    (tmp_path / "models" / "marts").mkdir(parents=True)
    (tmp_path / "dbt_project.yml").write_text("name: x\n")
    model = tmp_path / "models" / "marts" / "m.sql"
    model.write_text("select 1\n")
    manifest = tmp_path / "target" / "manifest.json"
    manifest.parent.mkdir()
    manifest.write_text("{}")
    for path, age in ((tmp_path / "dbt_project.yml", 100), (model, 100), (manifest, 50)):
        os.utime(path, (path.stat().st_atime, path.stat().st_mtime - age))
    return model, manifest


def test_a_manifest_newer_than_every_project_file_is_current(tmp_path):
    _, manifest = project(tmp_path)
    assert manifest_is_current(tmp_path, (manifest,))


def test_an_edited_model_or_a_missing_manifest_makes_it_stale(tmp_path):
    model, manifest = project(tmp_path)
    model.write_text("select 2\n")  # edited now: newer than the manifest
    assert not manifest_is_current(tmp_path, (manifest,))
    manifest.unlink()
    assert not manifest_is_current(tmp_path, (manifest,))


def test_files_outside_the_project_sources_do_not_count(tmp_path):
    _, manifest = project(tmp_path)
    (tmp_path / "target" / "run_results.json").write_text("{}")  # dbt's own output
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "dbt.log").write_text("")
    assert manifest_is_current(tmp_path, (manifest,))


def test_the_dbt_target_of_a_database_sits_beside_it(tmp_path):
    assert dbt_target_path(tmp_path / "data" / "flywheel.duckdb") == tmp_path / "data" / "flywheel.dbt"
