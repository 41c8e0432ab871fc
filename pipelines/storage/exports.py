"""The `exports` resource: the folder BI tools and people read (`FLYWHEEL_EXPORT_DIR`).

    current/            the newest good publication (see pipelines/publish/publication.py)
    data_docs/          Great Expectations Data Docs: every gate's latest results, failed ones too
    .gx_results/        the validation results the Data Docs are rendered from
"""

from pathlib import Path

import dagster as dg

from pipelines.quality.gx_gate import DataDocs


class ExportDir(dg.ConfigurableResource):
    """Where publications and Data Docs go (`FLYWHEEL_EXPORT_DIR`, an absolute path)."""

    path: str
    personal_data: bool = False
    """Export columns holding emails and phone numbers too (`FLYWHEEL_EXPORT_PERSONAL_DATA=true`)."""

    @property
    def current(self) -> Path:
        return Path(self.path) / "current"

    @property
    def data_docs(self) -> DataDocs:
        return DataDocs(store=Path(self.path) / ".gx_results", site=Path(self.path) / "data_docs")
