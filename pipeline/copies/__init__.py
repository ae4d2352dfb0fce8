"""Copies across the archive: near-duplicate detection (MinHash + LSH), links, and repair of spun copies."""
