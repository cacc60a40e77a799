"""Load on `storyline serve`: concurrent clients on loopback against search, a document page and an export.

Builds (or reuses) a store of synthetic pages written by this script (invented outlets, people and places;
their fields are set as written, or with `--pipeline` by running every stage), starts `storyline serve`
(`--workers` processes, default 2) on a free loopback port, then runs a bounded number
of requests from N concurrent clients (httpx on asyncio) and prints requests/s and latency percentiles,
overall and per kind. Goal: p99 under 1 s at 50 clients on 2 cores.

    PYTHONPATH=src nice .venv/bin/python benchmarks/serve_load.py [--docs 10000] [--clients 50] \
        [--requests 2000] [--db /tmp/serve-load.db] [--pipeline] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

import storyline

OUTLETS = [
    f"{a} {b}"
    for a in ("Northgate", "Riverside", "Harbour", "Upland", "Coastal")
    for b in ("Courier", "Ledger", "Times", "Post")
]
PEOPLE = [
    "Mara Oskin",
    "Teodor Vallin",
    "Ilsa Brandt",
    "Piet Osterhout",
    "Nadia Kerimova",
    "Joss Calloway",
    "Runa Halvorsen",
    "Emil Dracos",
    "Sabine Marel",
    "Oren Tash",
]
PLACES = ["Tessaly", "Brennick", "Vell", "Marrowby", "Castel Dun", "Ostrava Bay", "Kelmere", "Drayton Ford"]
TOPICS = [
    "bridge",
    "ferry",
    "harbour",
    "election",
    "budget",
    "strike",
    "flood",
    "school",
    "hospital",
    "railway",
    "tariff",
    "drought",
    "festival",
    "court",
    "mine",
    "port",
    "council",
    "refinery",
    "airport",
    "dam",
]
VERBS = ["approved", "rejected", "delayed", "announced", "criticised", "defended", "opened", "closed"]


def synthetic_page(n: int, rng: random.Random) -> dict[str, str]:
    """One invented news page about one topic in one place: a headline, a dateline and eight to twelve
    sentences of ~20 words, most about the page's own topic, people and place, a few mentioning others."""
    topic, place, person = rng.choice(TOPICS), rng.choice(PLACES), rng.choice(PEOPLE)
    day = 1 + n % 28
    month = 1 + (n // 28) % 12
    year = 2023 + (n // 336) % 2
    sentences = []
    for _ in range(rng.randint(8, 12)):
        aside = rng.random() < 0.2
        who = rng.choice(PEOPLE) if aside else person
        what = rng.choice(TOPICS) if aside else topic
        where = rng.choice(PLACES) if aside else place
        sentences.append(
            f"{who} said the {what} plan for {where} was {rng.choice(VERBS)} by the council after a long"
            f" debate on costs; a vote is due within {rng.randint(2, 9)} weeks, officials in {where} said."
        )
    text = f"{place.upper()} - {person} {rng.choice(VERBS)} the {topic} plan on Monday.\n\n" + "\n\n".join(
        " ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)
    )
    return {
        "url": f"https://{n % 20}.news.example/{year}/{month:02d}/{day:02d}/{topic}-{n}",
        "outlet": OUTLETS[n % len(OUTLETS)],
        "title": f"{person} {rng.choice(VERBS)} {place} {topic} plan (report {n})",
        "published": f"{year}-{month:02d}-{day:02d}",
        "text": text,
    }


def build_store(db: Path, docs: int, pipeline: bool) -> None:
    """Write the synthetic pages as JSONL and ingest them; then either run the pipeline's stages
    (``pipeline``: slow on a shared machine, and not what this benchmark measures) or set each document's
    title, date, outlet, language and text from the page as written (which also fills the search index)."""
    rng = random.Random(7)
    pages = [synthetic_page(n, rng) for n in range(docs)]
    with tempfile.TemporaryDirectory(prefix="serve-load-") as folder:
        source = Path(folder) / "pages.jsonl"
        source.write_text("".join(json.dumps(p) + "\n" for p in pages), encoding="utf-8")
        started = time.perf_counter()
        with storyline.open(db) as sl:
            report = sl.ingest([source])
            if pipeline:
                sl.process()
            else:
                by_url = {p["url"]: p for p in pages}
                rows = []
                for doc in sl.store.documents():
                    page = by_url[doc["url"]]
                    rows.append(
                        {
                            "id": doc["id"],
                            "title": page["title"],
                            "published": page["published"],
                            "published_precision": "day",
                            "published_evidence": "declared by the synthetic page",
                            "outlet": page["outlet"],
                            "outlet_evidence": "declared by the synthetic page",
                            "language": "en",
                            "text": page["text"],
                        }
                    )
                for start in range(0, len(rows), 1000):
                    sl.store.update_documents(rows[start : start + 1000])
        how = "every stage" if pipeline else "fields set from the pages as written"
        print(f"built {db}: {report.summary()} in {time.perf_counter() - started:.0f} s ({how})")


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and all its descendants (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
    return total


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def run_load(base: str, clients: int, total: int, doc_ids: list[str]) -> dict[str, list[float]]:
    rng = random.Random(11)
    plan: list[tuple[str, str]] = []
    for n in range(total):
        kind = (
            "search",
            "search",
            "search",
            "search",
            "document",
            "document",
            "document",
            "document",
            "document",
            "export",
        )[n % 10]
        if kind == "search":
            # One word, or a word and a place (FTS5 AND), as a person searching a news archive types them.
            words = [rng.choice(TOPICS), *([rng.choice(PLACES).split()[0]] if rng.random() < 0.5 else [])]
            url = f"/api/documents?q={'+'.join(words)}&limit=20"
        elif kind == "document":
            url = f"/documents/{rng.choice(doc_ids)}"
        else:
            url = f"/api/documents/export?format=jsonl&outlet={OUTLETS[rng.randrange(len(OUTLETS))]}"
        plan.append((kind, url))
    latencies: dict[str, list[float]] = {"search": [], "document": [], "export": []}
    failures: list[str] = []
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for item in plan:
        queue.put_nowait(item)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def worker() -> None:
            while not queue.empty():
                kind, url = queue.get_nowait()
                started = time.perf_counter()
                try:
                    response = await client.get(url)
                    await response.aread()
                except httpx.TransportError as exc:
                    failures.append(f"{type(exc).__name__} {url}")
                    continue
                latencies[kind].append(time.perf_counter() - started)
                if response.status_code != 200:
                    failures.append(f"{response.status_code} {url}")

        await asyncio.gather(*(worker() for _ in range(clients)))
    print(f"{len(failures)} failed requests" + (f", e.g. {failures[:3]}" if failures else ""))
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "storyline-serve-load.db")
    parser.add_argument("--pipeline", action="store_true", help="build by running every stage (slow)")
    parser.add_argument("--workers", type=int, default=2, help="server processes (default: one per core)")
    args = parser.parse_args()
    if not args.db.exists():
        build_store(args.db, args.docs, args.pipeline)
    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 - the server writes to it until the finally below
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    command = [sys.executable, "-m", "storyline.cli", "serve", "--db", str(args.db), "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                stats = httpx.get(f"{base}/api/stats", timeout=5).json()
                break
            except httpx.TransportError:
                time.sleep(0.2)
        documents = stats["tables"]["documents"]
        ids = [d["id"] for d in httpx.get(f"{base}/api/documents?limit=200&sort=ingested").json()["items"]]
        print(
            f"serving {documents} documents with {args.workers} server processes on {os.cpu_count()} cores"
            f" (load average before the run: {os.getloadavg()[0]:.1f}); {args.requests} requests from"
            f" {args.clients} clients: 4/10 search, 5/10 document page, 1/10 JSONL export of one outlet"
        )
        time.sleep(2)  # let every worker finish starting before its CPU time is read
        cpu_before = tree_cpu_seconds(server.pid)
        started = time.perf_counter()
        latencies = asyncio.run(run_load(base, args.clients, args.requests, ids))
        wall = time.perf_counter() - started
        server_cpu = tree_cpu_seconds(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.seek(0)
        errors = log.read().decode("utf-8", "replace").strip()
        log.close()
        if errors:
            print("server said:\n" + errors[-2000:])
    every = [x for values in latencies.values() for x in values]
    print(f"{len(every) / wall:.1f} requests/s over {wall:.1f} s")
    per_request = server_cpu / max(len(every), 1)
    print(
        f"server CPU: {server_cpu:.1f} s, {1000 * per_request:.1f} ms per request"
        f" (so at most ~{2 / per_request:.0f} requests/s on 2 otherwise idle cores)"
    )
    print(f"{'kind':10} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for kind, values in [*latencies.items(), ("all", every)]:
        if values:
            print(
                f"{kind:10} {len(values):6d} {1000 * percentile(values, 0.5):8.0f}"
                f" {1000 * percentile(values, 0.95):8.0f} {1000 * percentile(values, 0.99):8.0f}"
                f" {1000 * statistics.fmean(values):8.0f}"
            )


if __name__ == "__main__":
    main()
