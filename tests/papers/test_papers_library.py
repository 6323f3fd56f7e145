"""Like, the library, decisions on several ids and the cold start import, through the real CLI on
a real store (the arXiv API is the loopback server of tests/harness/arxiv_http.py)."""

from __future__ import annotations

import importlib
import json

import pytest

from cockpit.context import Context
from cockpit.services import papers as svc
from tests.papers import feeds
from tests.papers.test_papers_cli import run, week_feed

lib_svc = importlib.import_module("cockpit.services.papers.liked")  # the module, not svc.library


@pytest.fixture
def ingested(home, tmp_path, capsys):
    f = tmp_path / "feed.xml"
    f.write_bytes(week_feed())
    assert run(capsys, "papers", "ingest", str(f))[0] == 0
    return home


def library(capsys, *extra):
    code, out, _ = run(capsys, "papers", "library", "--json", *extra)
    assert code == 0
    return json.loads(out)


def test_like_several_ids_fills_the_library_trains_the_ranker_and_takes_no_queue_slot(ingested, capsys):
    code, out, _ = run(capsys, "papers", "like", "2611.00001", "arXiv:2611.00002v1")
    assert code == 0 and "liked 2611.00001: Diffusion transformers" in out and "liked 2611.00002" in out
    rows = library(capsys)
    assert {r["id"] for r in rows} == {"2611.00001", "2611.00002"}
    assert not any(r["queued"] or r["imported"] for r in rows)
    assert json.loads(run(capsys, "papers", "queue", "--json")[1])["items"] == []  # no queue slot
    labels = {p.arxiv_id: y for p, y in svc.decided(Context.open(ingested))}
    assert labels == {"2611.00001": 1, "2611.00002": 1}  # positives for the ranker
    # searchable (every word), and the text listing
    assert [r["id"] for r in library(capsys, "--search", "GRAPH traffic")] == ["2611.00002"]
    assert library(capsys, "--search", "nothing-like-this") == []
    code, out, _ = run(capsys, "papers", "library")
    assert code == 0 and "2 liked papers" in out and "Graph networks for traffic" in out
    code, out, _ = run(capsys, "papers", "rank", "--week", "2026-W48")
    assert code == 0 and sum(line.startswith("L ") for line in out.splitlines()) == 2
    # queueable later: a keep queues it and it stays in the library
    assert run(capsys, "papers", "keep", "2611.00001")[0] == 0
    rows = {r["id"]: r for r in library(capsys)}
    assert rows["2611.00001"]["queued"] and not rows["2611.00002"]["queued"]
    # exported by bibtex: the kept paper, then the liked one; --library: the library alone
    code, out, _ = run(capsys, "papers", "bibtex")
    assert code == 0 and out.index("eprint={2611.00001}") < out.index("eprint={2611.00002}")
    assert out.count("@misc{") == 2
    code, out, _ = run(capsys, "papers", "bibtex", "--library")
    assert out.count("@misc{") == 2
    # a like of a queued paper keeps it queued
    code, out, _ = run(capsys, "papers", "like", "2611.00001")
    assert code == 0 and "still queued" in out
    assert [i["id"] for i in json.loads(run(capsys, "papers", "queue", "--json")[1])["items"]] == [
        "2611.00001"
    ]
    # a skip takes a paper out of the library
    assert run(capsys, "papers", "skip", "2611.00002")[0] == 0
    assert [r["id"] for r in library(capsys)] == ["2611.00001"]


def test_multi_id_skip_and_later_decide_each_id(ingested, capsys):
    code, out, _ = run(capsys, "papers", "skip", "2611.00001", "2611.00002", "2611.00003")
    assert code == 0 and out.count("skipped 26") == 3
    code, out, _ = run(capsys, "papers", "later", "2611.00003", "2611.00004")
    assert code == 0 and out.count("later 26") == 2
    d = svc.decision_map(Context.open(ingested))
    assert {k: v.decision for k, v in d.items()} == {
        "2611.00001": "skip",
        "2611.00002": "skip",
        "2611.00003": "later",
        "2611.00004": "later",
    }


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        (("2611.00001", "2611.00002", "2611.00001v2"), "2611.00001 is given twice"),
        (("2611.00001", "2999.99999"), "no paper 2999.99999 in the store"),
        (("2611.00001", "nonsense"), "not an arXiv id"),
    ],
)
@pytest.mark.parametrize("verb", ["like", "skip", "later"])
def test_multi_id_bad_input_is_exit_2_and_decides_nothing(ingested, capsys, verb, ids, message):
    code, out, err = run(capsys, "papers", verb, *ids)
    assert code == 2 and message in err and err.count("\n") == 1 and out == ""
    assert svc.decision_map(Context.open(ingested)) == {}


def test_one_failed_id_is_reported_the_others_are_decided_and_exit_is_1(ingested, tmp_path, capsys):
    other = tmp_path / "other.xml"  # a paper of another week, whose decisions file gets damaged
    other.write_bytes(
        feeds.rss(
            [feeds.item("2610.00009", "Older week", pub="Wed, 11 Nov 2026 00:00:00 -0500")],
            pub="Wed, 11 Nov 2026 00:00:00 -0500",
        )
    )
    assert run(capsys, "papers", "ingest", str(other))[0] == 0
    assert run(capsys, "papers", "later", "2610.00009")[0] == 0
    damaged = next((ingested / "data").rglob("paper_decisions/*W46*"))
    damaged.write_text("{not json")
    code, out, err = run(capsys, "papers", "like", "2611.00001", "2610.00009", "2611.00002")
    assert code == 1
    assert "liked 2611.00001" in out and "liked 2611.00002" in out
    assert "2610.00009: not decided:" in err and err.count("\n") == 1
    assert damaged.read_text() == "{not json"  # never written over
    d = svc.decision_map(Context.open(ingested), "2026-W48")
    assert {k: v.decision for k, v in d.items()} == {"2611.00001": "like", "2611.00002": "like"}


# ------------------------------------------------------------------ import

BIB = """% exported by Better BibTeX
@article{lee2026diffusion,
  title = {Diffusion transformers for video},
  author = {Lee, Ann and Chen, Bo},
  year = {2026},
  eprint={2611.00001},
  archivePrefix = {arXiv},
}

@misc{vaswani2017attention,
  title = "Attention Is {All} You Need",
  url = {https://arxiv.org/abs/1706.03762v7},
}

@inproceedings{hu2021lora,
  title = {{LoRA}: Low-Rank Adaptation},
  arxiv = {2106.09685},
}

@book{knuth1984,
  title = {The {\\TeX}book},
  year = 1984,
}
"""


def test_import_bibtex_looks_up_missing_papers_in_batches_and_likes_them_as_seeds(
    ingested, papers_config, arxiv_server, tmp_path, capsys, monkeypatch
):
    papers_config('keywords = ["attention"]\n')
    monkeypatch.setattr(lib_svc, "BATCH", 1)
    arxiv_server.route(
        "/api/query",
        feeds.api([feeds.api_entry("1706.03762", "Attention Is All You Need", version=7)]),
        feeds.api([feeds.api_entry("2106.09685", "LoRA: Low-Rank Adaptation of Large Language Models")]),
    )
    f = tmp_path / "zotero.bib"
    f.write_text(BIB)
    code, out, err = run(capsys, "papers", "import", str(f))
    assert code == 0, err
    assert "3 arXiv papers (bibtex): 3 liked, 0 already in the library, 2 looked up on arXiv" in out
    assert "1 entries without an arXiv id skipped" in out
    assert "looking up on arXiv: 0/2" in err and "looking up on arXiv: 2/2" in err
    api = [p for p in arxiv_server.paths() if p.startswith("/api/")]
    assert len(api) == 2 and "id_list=1706.03762" in api[0] and "id_list=2106.09685" in api[1]
    rows = {r["id"]: r for r in library(capsys)}
    assert set(rows) == {"2611.00001", "1706.03762", "2106.09685"} and all(
        r["imported"] for r in rows.values()
    )
    ctx = Context.open(ingested)
    seeds = {p.arxiv_id for p in svc.profile(ctx).seeds}
    assert seeds == {"2611.00001", "1706.03762", "2106.09685"}
    # importing again loses nothing and asks arXiv nothing
    code, out, _ = run(capsys, "papers", "import", str(f))
    assert code == 0 and "0 liked, 3 already in the library, 0 looked up" in out
    assert len([p for p in arxiv_server.paths() if p.startswith("/api/")]) == 2


def test_import_zotero_csv_and_an_id_list(ingested, tmp_path, capsys):
    csv_file = tmp_path / "zotero.csv"
    csv_file.write_text(
        '\ufeff"Key","Item Type","Publication Year","Title","Url","Extra"\n'
        '"AB12","preprint","2026","Diffusion","http://arxiv.org/abs/2611.00001v1",""\n'
        '"CD34","journalArticle","2026","Graphs","https://doi.org/10.1/x","arXiv: 2611.00002"\n'
        '"EF56","book","1984","The TeXbook","",""\n'
    )
    code, out, _ = run(capsys, "papers", "import", str(csv_file))
    assert code == 0 and "2 arXiv papers (csv): 2 liked" in out and "1 entries without an arXiv id" in out
    ids = tmp_path / "ids.txt"
    ids.write_text("# my reading list\nhttps://arxiv.org/pdf/2611.00003v2\n\narXiv:2611.00004\n")
    code, out, _ = run(capsys, "papers", "import", str(ids))
    assert code == 0 and "2 arXiv papers (list): 2 liked" in out
    assert len(library(capsys)) == 4


def test_import_reports_papers_arxiv_does_not_know_with_exit_1(
    ingested, papers_config, arxiv_server, tmp_path, capsys
):
    papers_config()
    arxiv_server.route("/api/query", feeds.api([]))
    f = tmp_path / "ids.txt"
    f.write_text("2611.00001\n2999.99999\n")
    code, out, err = run(capsys, "papers", "import", str(f))
    assert code == 1 and "2999.99999: not found on arXiv" in err and "1 liked" in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("  \n\n", "the file is empty"),
        (
            BIB.replace("  year = {2026},\n  eprint", "  year {2026},\n  eprint"),
            "line 5: entry lee2026diffusion",
        ),
        (
            BIB.replace('"Attention Is {All} You Need",', '"Attention Is {All} You Need,'),
            "line 11: a quoted field value",
        ),
        ("@article{nokey title = {x}}\n", "line 1: @article entry has no citation key"),
        ("2611.00001\nhello world\n", "line 2: not an arXiv id or URL"),
        ("2611.00001\nhttps://arxiv.org/abs/2611.00001v2\n", "line 2: 2611.00001 is a duplicate of line 1"),
        ("@book{k, title = {No arXiv here}}\n", "none of its 1 entries has an arXiv id"),
    ],
)
def test_import_bad_files_are_exit_2_with_the_line_and_lose_nothing(
    ingested, tmp_path, capsys, text, message
):
    assert run(capsys, "papers", "like", "2611.00003")[0] == 0
    before = library(capsys)
    f = tmp_path / "bad.bib"
    f.write_text(text)
    code, out, err = run(capsys, "papers", "import", str(f))
    assert code == 2 and message in err and err.count("\n") == 1, err
    assert library(capsys) == before


def test_import_of_a_missing_file_is_exit_2(home, tmp_path, capsys):
    code, _, err = run(capsys, "papers", "import", str(tmp_path / "nope.bib"))
    assert code == 2 and "cannot read" in err
