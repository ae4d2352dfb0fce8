"""The clean layer: Delta Lake tables of articles, sightings, rejects and runs."""
