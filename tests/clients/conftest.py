"""Each client built once per session, from its registry's packages, and its example's command.

The builds are what a developer adding the client to a project would run: `go build` of the
example's own module, which requires the client by its module path (the requirements from
the Go module proxy), `mvn package` (Maven Central), `npm ci` and
`npm run build` (the npm registry), and `pip install clients/python` into a fresh virtual
environment that has nothing of the server (PyPI).
"""

from __future__ import annotations

import shutil
import sys

import pytest
from client_kit import CLIENTS, Example, build

LANGUAGES = ("go", "java", "ts", "python")


def go_example(tmp: pytest.TempPathFactory) -> Example:
    binary = tmp.mktemp("go") / "sendandwatch"
    build("go vet (client)", ["go", "vet", "./..."], CLIENTS / "go")
    # The example is a module of its own that requires the client by its path, as a
    # project using the client does.
    example = CLIENTS / "go" / "examples" / "sendandwatch"
    build("go vet (example)", ["go", "vet", "."], example)
    build("go build", ["go", "build", "-o", str(binary), "."], example)
    return Example("go", "Hello from Go", (str(binary),))


def java_example(tmp: pytest.TempPathFactory) -> Example:
    build("mvn package", ["mvn", "-B", "-q", "-Dstyle.color=never", "package"], CLIENTS / "java")
    jar = CLIENTS / "java" / "example" / "target" / "clarion-example.jar"
    return Example("java", "Hello from Java", ("java", "-jar", str(jar)))


def ts_example(tmp: pytest.TempPathFactory) -> Example:
    ts = CLIENTS / "ts"
    build("npm ci", ["npm", "ci", "--no-audit", "--no-fund"], ts)
    build("npm run build", ["npm", "run", "build"], ts)
    return Example(
        "ts", "Hello from TypeScript", ("node", str(ts / "dist" / "examples" / "send-and-watch.js"))
    )


def python_example(tmp: pytest.TempPathFactory) -> Example:
    work = tmp.mktemp("python-client")
    # pip builds in the source tree; a copy keeps build/ out of the repository.
    source = work / "clients-python"
    shutil.copytree(CLIENTS / "python", source, ignore=shutil.ignore_patterns("*.egg-info"))
    venv = work / "venv"
    build("python -m venv", [sys.executable, "-m", "venv", str(venv)], work)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
    build("pip install clients/python", [*pip, str(source)], work)
    script = CLIENTS / "python" / "examples" / "send_and_watch.py"
    return Example("python", "Hello from Python", (str(venv / "bin" / "python"), str(script)))


BUILDERS = {"go": go_example, "java": java_example, "ts": ts_example, "python": python_example}


@pytest.fixture(scope="session")
def built_examples() -> dict[str, Example | str]:
    """Examples built so far this session by language, or why their build failed."""
    return {}


def example_of(
    language: str, built: dict[str, Example | str], tmp: pytest.TempPathFactory
) -> Example:
    """One client's example, built on first use in the session (a failed build fails every
    test of that client at once instead of being tried again)."""
    if language not in built:
        try:
            built[language] = BUILDERS[language](tmp)
        except pytest.fail.Exception as failure:
            built[language] = str(failure)
            raise
    example = built[language]
    if isinstance(example, str):
        pytest.fail(f"the {language} client did not build earlier in this session:\n{example}")
    return example


@pytest.fixture(params=LANGUAGES)
def example(
    request: pytest.FixtureRequest,
    built_examples: dict[str, Example | str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Example:
    """Each client's example in turn."""
    return example_of(request.param, built_examples, tmp_path_factory)


@pytest.fixture
def every_example(
    built_examples: dict[str, Example | str], tmp_path_factory: pytest.TempPathFactory
) -> list[Example]:
    """All four examples, for a test that runs them side by side."""
    return [example_of(language, built_examples, tmp_path_factory) for language in LANGUAGES]
