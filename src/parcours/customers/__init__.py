"""Customers: overview figures, the customer 360, features, tiers, retention and lifecycle, personas.

Heavy modules load on first use, so ``import parcours.customers`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

from parcours.customers.overview import status
from parcours.customers.profile import customer_360

_LAZY = {
    "customer_features": "parcours.customers.features",
    "customer_tiers": "parcours.customers.tiers",
    "tier_movements": "parcours.customers.tiers",
    "cohort_retention": "parcours.customers.retention",
    "lifecycle": "parcours.customers.retention",
    "find_personas": "parcours.customers.personas",
    "PersonaModel": "parcours.customers.personas",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'parcours.customers' has no attribute {name!r}")


__all__ = ["PersonaModel", "cohort_retention", "customer_360", "customer_features", "customer_tiers",
           "find_personas", "lifecycle", "status", "tier_movements"]
