"""Leave kept outside Salesforce: `absences_file` (`FLYWHEEL_ABSENCES_FILE`, leave from an HR
system), read and checked before any model runs."""
