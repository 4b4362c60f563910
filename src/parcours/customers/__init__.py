"""Customers: overview figures, the customer 360 (later: personas, tiers, health, churn)."""

from parcours.customers.overview import status
from parcours.customers.profile import customer_360

__all__ = ["customer_360", "status"]
