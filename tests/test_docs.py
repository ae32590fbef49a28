"""The documentation keeps up with the code: every command and option of the CLI is in
docs/cli.md (read from the parser itself), the README's links lead somewhere, its quickstart
test command is the one CI runs, and ``mesoplanner --help`` loads nothing heavy."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.cli import parser

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
CLI_PAGE = DOCS / "cli.md"


def _commands(command: argparse.ArgumentParser, path: tuple[str, ...] = ()
              ) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every command that runs something, nested ones included (``audit verify``)."""
    subs = [a for a in command._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, command
    for sub in subs:
        for name, child in sub.choices.items():
            yield from _commands(child, (*path, name))


def _options(command: argparse.ArgumentParser) -> list[str]:
    """How each argument of a command is written: its longest option string, or its metavar."""
    words = []
    for action in command._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        if action.option_strings:
            words.append(max(action.option_strings, key=len))
        else:
            words.append(str(action.metavar or action.dest.upper()))
    return words


def _sections(text: str) -> dict[str, str]:
    """docs/cli.md's sections by command: the text under "## `mesoplanner grid`"."""
    parts = re.split(r"^## `mesoplanner ([a-z -]+)`\s*$", text, flags=re.MULTILINE)
    return {name: body for name, body in zip(parts[1::2], parts[2::2], strict=True)}


COMMANDS = list(_commands(parser()))


def test_the_walk_finds_nested_commands() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"grid", "serve", "audit verify"} <= names
    assert "audit" not in names  # a group only: its actions are the commands


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_and_option_is_documented(path: tuple[str, ...],
                                                command: argparse.ArgumentParser) -> None:
    sections = _sections(CLI_PAGE.read_text(encoding="utf-8"))
    name = " ".join(path)
    assert name in sections, f"docs/cli.md has no section '## `mesoplanner {name}`'"
    missing = [word for word in _options(command)
               if not re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", sections[name])]
    assert not missing, f"docs/cli.md, `mesoplanner {name}`, does not mention {missing}"


def test_no_section_for_a_command_that_does_not_exist() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert set(_sections(CLI_PAGE.read_text(encoding="utf-8"))) <= names


def test_the_main_options_are_documented() -> None:
    intro = CLI_PAGE.read_text(encoding="utf-8").split("\n## ", 1)[0]
    for word in _options(parser()):
        if word.startswith("-"):
            assert word in intro, f"docs/cli.md's introduction does not mention {word}"


def _links(page: Path) -> list[str]:
    """The relative links of a Markdown page (no web addresses, no anchors alone)."""
    targets = re.findall(r"\]\(([^)\s]+)\)", page.read_text(encoding="utf-8"))
    return [t.split("#", 1)[0] for t in targets
            if not re.match(r"[a-z]+:", t) and not t.startswith("#")]


def test_readme_links_to_every_docs_page_and_each_link_exists() -> None:
    links = _links(README)
    pages = {str(p.relative_to(ROOT)) for p in DOCS.glob("*.md")}
    assert pages <= set(links), f"README.md links to none of {sorted(pages - set(links))}"
    assert "docs/images/editor.png" in links
    for link in links:
        assert (ROOT / link).exists(), f"README.md links to {link}, which does not exist"


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.md")), ids=lambda p: p.name)
def test_docs_links_exist(page: Path) -> None:
    for link in _links(page):
        assert (page.parent / link).exists(), f"{page.name} links to {link}: no such file"


def _quickstart() -> list[str]:
    """The README's quickstart: the commands of the first shell block under "## Quickstart"."""
    section = README.read_text(encoding="utf-8").split("\n## Quickstart", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_the_quickstart_is_two_commands_that_make_a_virtual_environment() -> None:
    serve, tests = _quickstart()
    assert serve.startswith("python3 -m venv .venv && ") and serve.endswith("mesoplanner serve")
    assert tests.startswith("python3 -m venv .venv && ") and "-m pytest" in tests


def test_ci_runs_the_readme_test_command() -> None:
    _, tests = _quickstart()
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
          if not line.lstrip().startswith("#")]
    assert tests in ci, f".ci/run does not run the README's test command: {tests}"


def test_help_loads_no_heavy_module() -> None:
    """``mesoplanner --help`` answers without numpy, shapely or Flask (imports in functions:
    planner/cli/__init__.py says why)."""
    probe = ("import runpy, sys\n"
             "sys.argv = ['mesoplanner', '--help']\n"
             "try:\n"
             "    runpy.run_module('planner.cli', run_name='__main__', alter_sys=True)\n"
             "except SystemExit as exc:\n"
             "    assert exc.code == 0, exc.code\n"
             "print(' '.join(sorted({m.split('.')[0] for m in sys.modules}"
             " & {'numpy', 'shapely', 'flask'})), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, check=True)
    assert "usage: mesoplanner" in done.stdout
    assert done.stderr.strip() == "", f"--help loaded {done.stderr.strip()}"
