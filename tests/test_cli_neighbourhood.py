"""The CLI's `audit`, `paths` and `conflicts` with combined filters answer from neighbourhoods (issue 12):
on an SQLite store holding the demo world, with the whole-graph read forbidden, each prints exactly what
it printed when it read the whole graph (JSON, CSV and table; errors and exit codes too)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from loaders.pipeline import load_paths
from orggraph.graph import OrgGraph
from orggraph.stores.sqlite import SQLiteStore
from orggraph_cli import engine_commands
from orggraph_cli.app import store_from
from orggraph_cli.main import cli

DAYS = ("2019-06-30", "2021-03-31", "2023-06-30")


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, OrgGraph]]:
    from loaders.register import write_register_xlsx
    from orggraph_cli.demo_files import write_log
    from orggraph_demo import generate
    from tests.test_store_parity import write_world_files

    folder = tmp_path_factory.mktemp("cli-demo")
    world = generate("demo")
    files = sorted(write_world_files(folder, world.records), key=lambda p: (not p.name.startswith("nodes_"), p.name))
    files += [write_register_xlsx(folder / reg.filename, reg.entries, title=reg.title) for reg in world.registers]
    files += [write_log(log, folder / log.filename) for log in world.logs]
    path = folder / "graph.sqlite"
    with SQLiteStore(path) as store:
        load_paths(store, files)
        yield path, store.graph()


def invocations(graph: OrgGraph) -> Iterator[list[str]]:
    def ids(*labels: str) -> list[str]:
        return sorted(n for n, data in graph.g.nodes(data=True) if data["label"] in labels)

    commissioners = ids(*graph.schema.commissioner_labels)
    committees, people = ids("Committee"), ids("Person")
    for k in [*commissioners, "NO-SUCH-ID", committees[0]]:
        for on in DAYS:
            yield ["audit", "--commissioner", k, "--as-of", on]
        yield ["audit", "--commissioner", k, "--as-of", DAYS[0], "--max-hops", "2", "--format", "table"]
        yield ["conflicts", "--commissioner", k, "--from", DAYS[0], "--to", DAYS[1]]
        yield ["conflicts", "--commissioner", k, "--person", people[3], "--format", "csv"]
    for c in [*committees, "NO-SUCH-ID", people[0]]:
        yield ["conflicts", "--committee", c]
        yield ["conflicts", "--committee", c, "--from", DAYS[1], "--max-hops", "2", "--format", "table"]
    targets = ids("Practice", "Federation", "Company", "CCG")[::7]
    for p in people[::40]:
        for t in targets:
            yield ["paths", p, t, "--as-of", DAYS[1]]
            yield ["paths", p, t, "--as-of", DAYS[1], "--any", "--max-hops", "3", "--format", "csv"]
    yield ["paths", committees[0], people[0], "--any", "--as-of", DAYS[0]]
    yield ["paths", committees[0], people[0]]  # not a person: the same error
    yield ["paths", people[0], "NO-SUCH-ID"]


def whole_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands as they were: every one reads the whole graph."""
    def question(ctx: click.Context, question: str, node_id: str, max_hops: int = 4) -> OrgGraph:
        return store_from(ctx).graph()

    monkeypatch.setattr(engine_commands, "question_graph", question)
    monkeypatch.setattr(engine_commands, "conflicts_graph", lambda ctx, max_hops, **kw: store_from(ctx).graph())
    monkeypatch.setattr(engine_commands, "paths_graph", lambda ctx, *a: store_from(ctx).graph())


def no_whole_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Any) -> OrgGraph:
        raise AssertionError("read the whole graph")

    monkeypatch.setattr(SQLiteStore, "graph", refuse)


def test_audit_paths_and_filtered_conflicts_print_what_the_whole_graph_printed(
        demo_store: tuple[Path, OrgGraph]) -> None:
    path, graph = demo_store
    runner = CliRunner()
    asked = list(invocations(graph))
    printed: dict[str, list[tuple[int, str, str]]] = {}
    for how, patch in (("whole", whole_graph), ("neighbourhood", no_whole_graph)):
        with pytest.MonkeyPatch.context() as mp:
            patch(mp)
            out = []
            for args in asked:
                result = runner.invoke(cli, ["--store", str(path), *args])
                assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
                out.append((result.exit_code, result.stdout, result.stderr))
            printed[how] = out
    for args, before, now in zip(asked, printed["whole"], printed["neighbourhood"], strict=True):
        assert now == before, args
    answered = [p for p in printed["whole"] if p[0] == 0 and p[1].strip() not in ("", "[]")]
    assert len(answered) > len(asked) // 3, "most invocations find something; else little was compared"
    assert any(p[0] == 1 for p in printed["whole"]), "wrong ids fail the same way"


def test_every_command_is_declared_where_the_lazy_table_says() -> None:
    """The group imports a command's module only when it runs: the table must name each one's module."""
    import importlib

    from orggraph_cli.app import COMMANDS
    from orggraph_cli.app import cli as group

    for name, module in sorted(COMMANDS.items()):
        importlib.import_module(f"orggraph_cli.{module}")
        assert name in group.commands, f"{name} is not declared in orggraph_cli.{module}"
    assert set(group.commands) == set(COMMANDS), "a command declared but missing from COMMANDS"


def test_the_store_env_name_is_the_stores_own() -> None:
    from orggraph.stores import STORE_ENV
    from orggraph_cli.app import STORE_ENV as CLI_STORE_ENV

    assert CLI_STORE_ENV == STORE_ENV


def test_a_question_imports_neither_rich_nor_the_brief_renderer(demo_store: tuple[Path, OrgGraph]) -> None:
    """`conflicts --decision` in a fresh process: the answer without rich, WeasyPrint or the API."""
    import subprocess
    import sys

    path, graph = demo_store
    decision = min(n for n, _ in graph.nodes("Decision"))
    code = ("import sys\nfrom orggraph_cli.main import cli\n"
            "try:\n    cli([*sys.argv[1:]], prog_name='orggraph')\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('rich', 'weasyprint', 'viz.brief', 'fastapi', 'orggraph.stores.embedded')"
            " if m in sys.modules), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code, "--store", str(path), "conflicts", "--decision", decision],
                         capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.startswith("[")
    assert out.stderr.strip().splitlines()[-1] == "[]"
