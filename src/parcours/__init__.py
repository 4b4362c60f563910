"""parcours: customer journeys, leaks, emotions, health and actions from every channel's traces.

Names are imported on first use, so that ``parcours --help`` and ``import parcours.errors`` stay
fast (the engine stack, Ibis and DuckDB, loads only when a workspace is opened).

>>> import parcours, tempfile
>>> ws = parcours.init(tempfile.mkdtemp(), scenario="empty")
>>> sorted(ws.status()["tables"])[:3]
['cases', 'customers', 'events']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "ConfigError": "parcours.errors",
    "IngestError": "parcours.errors",
    "NotFoundError": "parcours.errors",
    "ParcoursError": "parcours.errors",
    "UnreadableFileError": "parcours.errors",
    "WorkspaceError": "parcours.errors",
    "Mapping": "parcours.config",
    "WorkspaceConfig": "parcours.config",
    "load_config": "parcours.config",
    "load_mapping": "parcours.config",
    "IngestResult": "parcours.ingest.pipeline",
    "Customer360": "parcours.workspace",
    "ForgetResult": "parcours.customers.privacy",
    "forget": "parcours.customers.privacy",
    "Workspace": "parcours.workspace",
    "init": "parcours.workspace",
    "open": "parcours.workspace",
    "transitions": "parcours.journeys.transitions",
    "variants": "parcours.journeys.variants",
    "funnel": "parcours.journeys.funnels",
    "funnel_customers": "parcours.journeys.funnels",
    "journey_funnel": "parcours.journeys.funnels",
    "leaks": "parcours.journeys.leaks",
    "stage_durations": "parcours.journeys.durations",
    "Flow": "parcours.journeys.flows",
    "flows": "parcours.journeys.flows",
    "funnel_flows": "parcours.journeys.flows",
    "drop_correlates": "parcours.journeys.correlation",
    "conformance": "parcours.journeys.conformance",
    "conformance_moves": "parcours.journeys.conformance",
    "JourneyConfig": "parcours.config",
    "StageConfig": "parcours.config",
    "TouchpointConfig": "parcours.config",
    "template": "parcours.journeys.definitions",
    "stage_events": "parcours.journeys.definitions",
    "stage_sequences": "parcours.journeys.definitions",
    "Exclusion": "parcours.journeys.funnels",
    "FunnelError": "parcours.journeys.funnels",
    "sequence_index": "parcours.journeys.index",
    "to_pm4py": "parcours.journeys.interop",
    "SurveySettings": "parcours.voice.surveys",
    "survey_metrics": "parcours.voice.surveys",
    "link_feedback": "parcours.voice.linking",
    "link_summary": "parcours.voice.linking",
    "LinkError": "parcours.voice.linking",
    "EmotionCurve": "parcours.voice.curve",
    "emotion_curve": "parcours.voice.curve",
    "score_feedback": "parcours.voice.curve",
    "export_xes": "parcours.journeys.interop",
    "CustomersConfig": "parcours.config",
    "FeatureError": "parcours.customers.features",
    "customer_features": "parcours.customers.features",
    "customer_tiers": "parcours.customers.tiers",
    "tier_movements": "parcours.customers.tiers",
    "movement_matrix": "parcours.customers.tiers",
    "cohort_retention": "parcours.customers.retention",
    "retention_curve": "parcours.customers.retention",
    "lifecycle": "parcours.customers.retention",
    "PersonaModel": "parcours.customers.personas",
    "Personas": "parcours.customers.personas",
    "find_personas": "parcours.customers.personas",
    "HealthConfig": "parcours.config",
    "ChurnError": "parcours.customers.churn",
    "ChurnModel": "parcours.customers.churn",
    "health_scores": "parcours.customers.health",
    "at_risk": "parcours.customers.health",
    "SuccessConfig": "parcours.config",
    "success_status": "parcours.customers.success",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'parcours' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from parcours.config import (
        JourneyConfig, Mapping, StageConfig, TouchpointConfig, WorkspaceConfig, load_config, load_mapping,
    )
    from parcours.errors import (
        ConfigError, IngestError, NotFoundError, ParcoursError, UnreadableFileError, WorkspaceError,
    )
    from parcours.customers.privacy import ForgetResult, forget
    from parcours.ingest.pipeline import IngestResult
    from parcours.journeys.definitions import stage_events, stage_sequences, template
    from parcours.journeys.durations import stage_durations
    from parcours.journeys.flows import Flow, flows, funnel_flows
    from parcours.journeys.funnels import Exclusion, FunnelError, funnel, funnel_customers, journey_funnel
    from parcours.journeys.index import sequence_index
    from parcours.journeys.interop import export_xes, to_pm4py
    from parcours.journeys.conformance import conformance, conformance_moves
    from parcours.journeys.correlation import drop_correlates
    from parcours.journeys.leaks import leaks
    from parcours.journeys.transitions import transitions
    from parcours.journeys.variants import variants
    from parcours.voice.surveys import SurveySettings, survey_metrics
    from parcours.voice.curve import EmotionCurve, emotion_curve, score_feedback
    from parcours.voice.linking import LinkError, link_feedback, link_summary
    from parcours.config import CustomersConfig
    from parcours.customers.features import FeatureError, customer_features
    from parcours.customers.personas import PersonaModel, Personas, find_personas
    from parcours.config import HealthConfig
    from parcours.customers.churn import ChurnError, ChurnModel
    from parcours.customers.health import at_risk, health_scores
    from parcours.customers.retention import cohort_retention, lifecycle, retention_curve
    from parcours.config import SuccessConfig
    from parcours.customers.success import success_status
    from parcours.customers.tiers import customer_tiers, movement_matrix, tier_movements
    from parcours.workspace import Customer360, Workspace, init, open
