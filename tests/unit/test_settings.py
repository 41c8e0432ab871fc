"""One settings object, read once from the environment and `.env` (the environment wins)."""

from pathlib import Path

from pipelines.definitions import salesforce_org
from pipelines.salesforce.resource import SalesforceResource
from pipelines.sample_org.resource import SampleOrgResource
from pipelines.settings import Settings


def test_paths_are_absolute_from_the_working_directory_and_env_wins_over_dotenv(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("FLYWHEEL_DUCKDB_PATH=from_dotenv.duckdb\nFLYWHEEL_EXPORT_DIR=out\nFLYWHEEL_SAMPLE_USERS=30\n")
    settings = Settings.from_env({"FLYWHEEL_DUCKDB_PATH": "db/f.duckdb"}, dotenv=dotenv, base=tmp_path)
    assert settings.duckdb_path == tmp_path / "db" / "f.duckdb"
    assert settings.export_dir == tmp_path / "out"
    assert settings.ground_truth_path == tmp_path / "db" / "sample_org_ground_truth.jsonl"
    assert dict(settings.sample_size) == {"users": 30}
    assert settings.process_environment({})["FLYWHEEL_DUCKDB_PATH"] == str(tmp_path / "db" / "f.duckdb")


def test_defaults_and_the_sample_org_when_no_salesforce_variable_is_set(tmp_path):
    settings = Settings.from_env({}, dotenv=None, base=tmp_path)
    assert settings.duckdb_path == tmp_path / "data" / "flywheel.duckdb"
    assert settings.export_dir == tmp_path / "data" / "exports"
    assert settings.uses_sample_org and not settings.export_personal_data
    org = salesforce_org(Settings.from_env({"FLYWHEEL_SAMPLE_SEED": "11"}, dotenv=None, base=tmp_path))
    assert isinstance(org, SampleOrgResource) and org.seed == 11 and org.users == 120


def test_a_real_org_binds_only_the_names_of_the_variables_that_are_set(tmp_path):
    settings = Settings.from_env({"SALESFORCE_USERNAME": "u@example.com", "SALESFORCE_PASSWORD": "s3cret!"},
                                 dotenv=None, base=tmp_path)
    assert settings.salesforce_vars == ("SALESFORCE_USERNAME", "SALESFORCE_PASSWORD")
    assert "s3cret!" not in repr(settings)
    org = salesforce_org(settings)
    assert isinstance(org, SalesforceResource)
    assert "s3cret!" not in repr(org)  # an EnvVar, resolved only when the run starts


def test_the_absences_file_is_a_setting(tmp_path):
    assert Settings.from_env({}, dotenv=None, base=tmp_path).absences_file is None
    settings = Settings.from_env({"FLYWHEEL_ABSENCES_FILE": "hr/leave.csv"}, dotenv=None, base=tmp_path)
    assert settings.absences_file == tmp_path / "hr" / "leave.csv"


def test_the_warehouse_is_one_more_setting_and_an_unknown_one_is_refused(tmp_path):
    import pytest

    from pipelines.definitions import warehouse
    from pipelines.storage.lake import LakeWarehouse
    from pipelines.settings import InvalidSetting

    default = Settings.from_env({}, dotenv=None, base=tmp_path)
    assert default.warehouse == "duckdb" and warehouse(default).dbt_target is None  # profiles.yml's default
    assert default.lake == tmp_path / "data" / "lake"
    spark = Settings.from_env({"FLYWHEEL_WAREHOUSE": "Spark", "FLYWHEEL_LAKE_DIR": "lk"}, dotenv=None, base=tmp_path)
    store = warehouse(spark)
    assert isinstance(store, LakeWarehouse) and store.dbt_target == "spark"
    assert store.dbt_env() == {"FLYWHEEL_LAKE_DIR": str(tmp_path / "lk")}
    assert spark.process_environment({})["FLYWHEEL_WAREHOUSE"] == "spark"
    with pytest.raises(InvalidSetting, match="FLYWHEEL_WAREHOUSE='snowflake'.*duckdb or spark"):
        Settings.from_env({"FLYWHEEL_WAREHOUSE": "snowflake"}, dotenv=None, base=tmp_path)


def test_the_stale_threshold_and_the_lock_wait_are_settings_with_defaults(tmp_path):
    import pytest

    from pipelines.definitions import warehouse
    from pipelines.settings import InvalidSetting

    default = Settings.from_env({}, dotenv=None, base=tmp_path)
    assert (default.stale_after_hours, default.lock_wait_seconds) == (36, 300)
    assert default.alert_ledger == tmp_path / "data" / "flywheel.alerts" and default.log_dir == tmp_path / "data" / "logs"
    set_ = Settings.from_env({"FLYWHEEL_STALE_AFTER_HOURS": "12.5", "FLYWHEEL_LOCK_WAIT_SECONDS": "20"},
                             dotenv=None, base=tmp_path)
    assert (set_.stale_after_hours, set_.lock_wait_seconds) == (12.5, 20)
    assert warehouse(set_).lock_wait_seconds == 20
    for bad in ("0", "-3", "soon"):
        with pytest.raises(InvalidSetting, match=f"FLYWHEEL_LOCK_WAIT_SECONDS='{bad}' is not a positive number"):
            Settings.from_env({"FLYWHEEL_LOCK_WAIT_SECONDS": bad}, dotenv=None, base=tmp_path)
