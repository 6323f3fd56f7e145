"""arXiv over HTTP: RSS feeds and the API (the ``arxiv`` package) through ONE shared client.

The client honours arXiv's rule of one request every 3 seconds (``papers.request_delay_s``)
across RSS and API calls of this process, sets an HTTP timeout, and retries connection errors,
HTTP 429 and 5xx with exponential backoff plus jitter (``Retry-After`` respected). Other 4xx
(400: unknown category or bad id) fail at once with one line.

Documents are parsed by ``sources.arxiv_parse`` (re-exported here: ``parse_bytes``, ``Parsed``,
``ArxivError``, ``paper_from_result``), the same parser ``cockpit papers ingest`` uses.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from cockpit.core import papers_text as core
from cockpit.sources import arxiv_parse as _parse

ArxivError = _parse.ArxivError
Parsed = _parse.Parsed
parse_bytes = _parse.parse_bytes
paper_from_result = _parse.paper_from_result
_error_detail = _parse._error_detail

USER_AGENT = "cockpit (arXiv digest; https://github.com/) python-requests"


class HttpStatusError(ArxivError):
    def __init__(self, url: str, status: int, detail: str = "") -> None:
        self.url, self.status = url, status
        what = {400: "bad request", 404: "not found", 429: "rate limited", 503: "unavailable"}.get(
            status, "error"
        )
        extra = f": {detail}" if detail else ""
        super().__init__(f"arXiv answered HTTP {status} ({what}) for {url}{extra}")


# ------------------------------------------------------------------ the shared client


class _SessionAdapter:
    """What ``arxiv.Client`` calls ``_session``: every request goes through our shared client."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, url: str, headers: dict[str, str] | None = None, **_kw: Any) -> Any:
        return self.client.get(url)


class Client:
    """One per process (``shared()``): rate limit, timeout, retries with backoff and jitter."""

    def __init__(
        self,
        rss_url: str,
        api_url: str,
        delay_s: float = 3.0,
        timeout_s: float = 20.0,
        retries: int = 3,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        import requests

        self.rss_url = rss_url if rss_url.endswith("/") else rss_url + "/"
        self.api_url = api_url
        self.delay_s = max(0.0, delay_s)
        self.timeout_s = timeout_s if timeout_s > 0 else 20.0
        self.retries = max(0, retries)
        self._sleep, self._mono = sleep, monotonic
        self._rng = rng or random.Random()
        self._lock = threading.Lock()
        self._last: float | None = None
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.requests_made = 0

    # -------------------------------------------------------------- raw HTTP

    def _wait_turn(self) -> None:
        if self._last is not None:
            gap = self.delay_s - (self._mono() - self._last)
            if gap > 0:
                self._sleep(gap)

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        base = max(self.delay_s, 0.001) * (2**attempt)
        if retry_after and retry_after.strip().isdigit():
            base = max(base, float(retry_after))
        return base + self._rng.uniform(0, max(self.delay_s, 0.001))

    def get(self, url: str) -> Any:
        """GET with the shared rate limit; returns the ``requests.Response`` of a 200."""
        import requests

        last_error: Exception | None = None
        for attempt in range(self.retries + 1):
            with self._lock:
                self._wait_turn()
                try:
                    resp = self.session.get(url, timeout=self.timeout_s)
                except (requests.ConnectionError, requests.Timeout) as e:
                    self._last = self._mono()
                    self.requests_made += 1
                    last_error = ArxivError(f"cannot reach arXiv at {url}: {type(e).__name__}")
                    retry_after = None
                else:
                    self._last = self._mono()
                    self.requests_made += 1
                    if resp.status_code == 200:
                        return resp
                    err = HttpStatusError(url, resp.status_code, _error_detail(resp.content))
                    if resp.status_code != 429 and resp.status_code < 500:
                        raise err
                    last_error = err
                    retry_after = resp.headers.get("Retry-After")
            if attempt < self.retries:
                self._sleep(self._backoff(attempt, retry_after))
        assert last_error is not None
        raise last_error

    # -------------------------------------------------------------- RSS

    def rss_url_for(self, category: str) -> str:
        return self.rss_url + quote(category, safe=".+-")

    def fetch_rss(self, category: str, fetched: str = "") -> Parsed:
        resp = self.get(self.rss_url_for(category))
        return parse_bytes(resp.content, source="rss", fetched=fetched)

    # -------------------------------------------------------------- API

    def _api_client(self, page_size: int) -> Any:
        import arxiv

        c = arxiv.Client(page_size=page_size, delay_seconds=0.0, num_retries=0)
        c.query_url_format = self.api_url + "?{}"
        c._session = _SessionAdapter(self)  # type: ignore[assignment]
        return c

    def search(
        self,
        query: str = "",
        ids: list[str] | None = None,
        max_results: int = 100,
        page_size: int = 100,
        fetched: str = "",
        announced: dt.date | None = None,
        newest_first: bool = False,
    ) -> Parsed:
        """An API query (or lookup by ids) through the ``arxiv`` package; partial pages kept."""
        import arxiv

        search = arxiv.Search(
            query=query,
            id_list=list(ids or []),
            max_results=max_results,
            sort_by=arxiv.SortCriterion.SubmittedDate if newest_first else arxiv.SortCriterion.Relevance,
        )
        out = Parsed(kind="api")
        try:
            for r in self._api_client(min(page_size, max_results)).results(search):
                out.papers.append(paper_from_result(r, "api", fetched, announced))
        except arxiv.UnexpectedEmptyPageError:
            out.problems.append(f"arXiv returned an empty page after {len(out.papers)} results; kept those")
        except arxiv.HTTPError as e:  # pragma: no cover - our session raises first
            raise HttpStatusError(e.url, e.status) from None
        return out

    def backfill(self, category: str, day: dt.date, fetched: str = "", limit: int = 2000) -> Parsed:
        """Papers announced on ``day`` (ET), approximated by the submission window that feeds it."""
        start, end = submission_window(day)
        q = f"cat:{category} AND submittedDate:[{start} TO {end}]"
        return self.search(q, max_results=limit, fetched=fetched, announced=day, newest_first=True)


def submission_window(day: dt.date) -> tuple[str, str]:
    """GMT ``YYYYMMDDHHMM`` bounds: from 14:00 ET of the previous weekday to 14:00 ET on the eve of ``day``.

    arXiv announces at 20:00 ET what was submitted before the 14:00 ET cut-off; the RSS feed dated
    ``day`` carries the announcement of the evening before.
    """
    from zoneinfo import ZoneInfo

    et = ZoneInfo(core.EASTERN)
    eve = day - dt.timedelta(days=1)
    while eve.weekday() >= 5:
        eve -= dt.timedelta(days=1)
    prev = eve - dt.timedelta(days=1)
    while prev.weekday() >= 5:
        prev -= dt.timedelta(days=1)
    a = dt.datetime.combine(prev, dt.time(14, 0), et).astimezone(dt.UTC)
    b = dt.datetime.combine(eve, dt.time(14, 0), et).astimezone(dt.UTC)
    return a.strftime("%Y%m%d%H%M"), b.strftime("%Y%m%d%H%M")


_shared: dict[tuple[str, str], Client] = {}
_shared_lock = threading.Lock()


def shared(cfg: Any) -> Client:
    """The process's one client for ``cfg`` (a PapersConfig)."""
    key = (cfg.rss_url, cfg.api_url)
    with _shared_lock:
        c = _shared.get(key)
        if c is None:
            c = Client(cfg.rss_url, cfg.api_url, cfg.request_delay_s, cfg.request_timeout_s, cfg.retries)
            _shared[key] = c
        return c


def iter_files(paths: list[str]) -> Iterator[tuple[str, bytes]]:
    for p in paths:
        with open(p, "rb") as f:
            yield p, f.read()
