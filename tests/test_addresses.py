"""The address policy, on IP literals only (no DNS, no traffic)."""

import pytest

from pipeline.sources.addresses import Refused, check_url

REFUSED = [
    "http://127.0.0.1/",
    "http://127.1/",  # short form of 127.0.0.1
    "http://2130706433/",  # decimal form of 127.0.0.1
    "http://0.0.0.0/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",  # shared address space (CGNAT)
    "http://169.254.169.254/latest/meta-data/",  # AWS, GCP, Azure metadata
    "http://2852039166/",  # decimal form of 169.254.169.254
    "http://100.100.100.200/",  # Alibaba metadata
    "http://192.0.0.192/",  # Oracle metadata
    "http://[::1]/",
    "http://[fe80::1]/",
    "http://[fd00:ec2::254]/",  # AWS metadata over IPv6
    "http://[::ffff:169.254.169.254]/",  # IPv4-mapped
    "http://[::ffff:127.0.0.1]/",
    "http://224.0.0.1/",  # multicast
    "http://metadata.google.internal/",
    "file:///etc/passwd",
    "ftp://8.8.8.8/",
    "gopher://8.8.8.8/",
    "javascript:alert(1)",
    "http://user:secret@8.8.8.8/",
    "http://8.8.8.8:99999/",  # malformed: refused, not an exception that sinks the batch
]


@pytest.mark.parametrize("url", REFUSED)
def test_refused(url):
    with pytest.raises(Refused):
        check_url(url, frozenset())


def test_a_public_address_passes_and_an_allowed_host_is_exempt():
    check_url("http://8.8.8.8/", frozenset())
    check_url("https://[2001:4860:4860::8888]/", frozenset())
    check_url("http://127.0.0.1:8080/", frozenset({"127.0.0.1"}))
    check_url("http://[::1]/", frozenset({"::1"}))
    with pytest.raises(Refused):
        check_url("http://10.0.0.1/", frozenset({"127.0.0.1"}))
