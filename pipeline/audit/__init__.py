"""Audit: what the archive held when, where each text came from, and whether anything is altered."""
