"""Ingestion: readers, column mapping, validation and quarantine, identity stitching."""

from parcours.ingest.pipeline import IngestResult, ingest_file

__all__ = ["IngestResult", "ingest_file"]
