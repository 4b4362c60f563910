"""Tests of the HTML report (a package: its module names must not clash with tests/customers)."""
