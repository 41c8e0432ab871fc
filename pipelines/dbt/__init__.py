"""The dbt project as the rest of Flywheel sees it: `project` (the one `DbtProject`, its manifest
and the marts it declares), `vars` (a run's dbt vars, checked) and `vocabulary` (the flags, tiers,
badges and pillars the contract fixes, read from `dbt_project.yml`)."""
