"""Capture: exact bytes from a source, kept raw before anything is cleaned."""
