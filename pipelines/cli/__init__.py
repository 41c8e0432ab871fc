"""The `flywheel` command: `main` (the click group and its subcommands), `check` (can a run
proceed against this org?) and `summary` (what a run leaves behind, printed for a person)."""
