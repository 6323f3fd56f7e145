from __future__ import annotations

import pytest

from tests.harness.arxiv_http import ArxivServer


@pytest.fixture
def arxiv_server():
    with ArxivServer() as s:
        yield s


@pytest.fixture
def papers_config(write_config, arxiv_server):
    """config.toml pointing cockpit's arXiv client at the loopback server, with a tiny delay."""

    def write(extra: str = "") -> None:
        write_config(
            "[papers]\n"
            f'rss_url = "{arxiv_server.base}/rss/"\n'
            f'api_url = "{arxiv_server.base}/api/query"\n'
            "request_delay_s = 0.05\nrequest_timeout_s = 2.0\nretries = 2\n" + extra
        )

    return write
