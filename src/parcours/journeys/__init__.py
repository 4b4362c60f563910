"""Journey mapping and analytics (capabilities C2 and C3): definitions, transitions, variants, funnels.

Every analysis is an Ibis expression over the warehouse, ordered by ``(timestamp, seq)`` so that
results never depend on the engine or the number of threads.
"""
