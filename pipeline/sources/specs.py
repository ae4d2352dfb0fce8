"""Source specs as given on the command line: sources files read in place, and the hosts they allow."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from pipeline.config import RunConfig
from pipeline.sources.sources_file import SourceSpec, is_sources_file, read_sources_file


def read_specs(specs: Iterable[str]) -> tuple[list[SourceSpec], frozenset[str]]:
    """The sources named by `specs` (sources files read in place) and the hosts those files allow."""
    sources: list[SourceSpec] = []
    hosts: frozenset[str] = frozenset()
    for spec in specs:
        if is_sources_file(spec):
            listed = read_sources_file(Path(spec))
            sources.extend(listed.sources)
            hosts |= listed.allow_hosts
        else:
            sources.append(SourceSpec(spec))
    return sources, hosts


def configure_for(specs: Iterable[str], config: RunConfig) -> RunConfig:
    """`config` with the hosts that sources files among `specs` allow; pass it to every batch."""
    _, hosts = read_specs(specs)
    return replace(config, fetch=config.fetch.allowing(hosts)) if hosts else config
