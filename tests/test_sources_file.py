"""The sources file (TOML): entries, options, allowed hosts and the errors a person can act on."""

import pytest

from pipeline.config import RunConfig
from pipeline.sources import configure_for, expand_sources
from pipeline.sources.sources_file import SourcesFileError, SourceSpec, read_sources_file
from tests.site_server import SITE, serve_site


def write(tmp_path, text):
    path = tmp_path / "sources.toml"
    path.write_text(text)
    return path


def test_entries_options_and_allowed_hosts(tmp_path):
    path = write(tmp_path, '''
allow_hosts = ["127.0.0.1", "Intranet.Example"]
[[source]]
url = "https://courier.example/feed.xml"
match = "/news/"
limit = 2
[[source]]
url = "https://courier.example/about"
kind = "page"
[[source]]
path = "articles"
''')
    listed = read_sources_file(path)
    assert listed.allow_hosts == {"127.0.0.1", "intranet.example"}
    assert listed.sources == (
        SourceSpec("https://courier.example/feed.xml", "auto", "/news/", 2),
        SourceSpec("https://courier.example/about", "page"),
        SourceSpec(str(tmp_path / "articles")),  # relative to the sources file
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[source]]\nurl = 'https://x/'\nlimt = 3\n", "unknown key"),
        ("[[source]]\nurl = 'https://x/'\npath = 'y'\n", "exactly one of url or path"),
        ("[[source]]\nurl = 'https://x/'\nkind = 'feed'\n", "kind must be"),
        ("[[source]]\nurl = 'https://x/'\nmatch = '(['\n", "not a regular expression"),
        ("[[source]]\nurl = 'https://x/'\nlimit = 0\n", "positive integer"),
        ("allow_hosts = 'x'\n[[source]]\nurl = 'https://x/'\n", "list of host names"),
        ("title = 'no sources'\n", "unknown key"),
        ("[[source]\n", "sources.toml"),
    ],
)
def test_mistakes_are_named(tmp_path, text, message):
    with pytest.raises(SourcesFileError, match=message):
        read_sources_file(write(tmp_path, text))


def test_a_sources_file_mixes_feeds_pages_and_paths(tmp_path):
    with serve_site() as site:
        base = site.state.base
        path = write(tmp_path, f'''
allow_hosts = ["127.0.0.1"]
[[source]]
url = "{base}/feed.xml"
match = "/news/"
limit = 2
[[source]]
url = "{base}/news/school-meals-plan.html"
kind = "page"
[[source]]
path = "{SITE / 'news'}"
''')
        config = configure_for([str(path)], RunConfig(str(tmp_path / "archive"), "mixed"))
        inputs = expand_sources([str(path)], config)
    assert "127.0.0.1" in config.fetch.allow_hosts
    assert inputs[:3] == [
        f"{base}/news/council-approves-bridge.html",
        f"{base}/news/library-extends-hours.html?utm_source=rss",
        f"{base}/news/school-meals-plan.html",
    ]
    assert inputs[3:] == sorted(str(p) for p in (SITE / "news").glob("*.html"))
    assert site.state.hits["/news/school-meals-plan.html"] == 0  # kind = "page": not fetched to discover
