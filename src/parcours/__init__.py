"""parcours: customer journeys, leaks, emotions, health and actions from every channel's traces.

>>> import parcours, tempfile
>>> ws = parcours.init(tempfile.mkdtemp(), scenario="empty")
>>> sorted(ws.status()["tables"])[:3]
['cases', 'customers', 'events']
"""

from parcours.config import Mapping, WorkspaceConfig, load_config, load_mapping
from parcours.errors import (
    ConfigError, IngestError, NotFoundError, ParcoursError, UnreadableFileError, WorkspaceError,
)
from parcours.ingest import IngestResult
from parcours.workspace import Customer360, Workspace, init, open

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "Customer360",
    "IngestError",
    "IngestResult",
    "Mapping",
    "NotFoundError",
    "ParcoursError",
    "UnreadableFileError",
    "Workspace",
    "WorkspaceConfig",
    "WorkspaceError",
    "__version__",
    "init",
    "load_config",
    "load_mapping",
    "open",
]
