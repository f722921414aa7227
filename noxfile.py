"""Every project task is a nox session; `nox -l` lists them, `nox` runs the CI set.

Every session installs exactly what `uv.lock` pins (`uv sync --locked`): a new release of
any dependency changes nothing here until `nox -s lock` takes it in and the change is
committed. `nox -s tests_latest` runs the suite against the newest versions the
distributions' own ranges allow, to see upgrades coming on purpose.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import nox

ROOT = Path(__file__).parent
SPEC = ROOT / "openapi" / "openapi.json"
ASYNCAPI = ROOT / "openapi" / "asyncapi.json"
CODEGEN_CONFIG = ROOT / "openapi" / "codegen.yaml"
STAMP = ROOT / "openapi" / "codegen.stamp.json"
GENERATED = ROOT / "generated_client"
JUNIT_REPORT = ROOT / ".nox" / "junit.xml"
BROWSER_JUNIT_REPORT = ROOT / ".nox" / "junit-browser.xml"
LOCK = ROOT / "uv.lock"
BOOTSTRAP = ROOT / ".ci" / "bootstrap.txt"
# The distributions, as `tests_latest` installs them from their folders (ranges, no lock).
PACKAGE_PATHS = ["./generated_client", "./ergonomic[mcp]", "./mock_server[parquet]"]
# Built afresh on every install: uv's cache would keep a wheel whose sources changed.
DISTRIBUTIONS = ["connecttrade-client", "connecttrade", "connecttrade-mock"]
HANDWRITTEN = [
    "ergonomic/src",
    "mock_server/src",
    "tests",
    "examples",
    "openapi/validate.py",
    "openapi/spec_diff.py",
    "openapi/shared_schemas.py",
    ".ci/junit_summary.py",
    "noxfile.py",
    "bench",
]

PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
nox.options.default_venv_backend = "uv"
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True
# `lock_check` runs first: nothing else means anything on a stale lock. `tests` runs last
# so that pytest's summary closes the log CI reads.
nox.options.sessions = [
    "lock_check",
    "lint",
    "typecheck",
    "imports",
    "spec",
    "codegen_check",
    "contract_cli",
    "contract_plain",
    "docs",
    "browser",
    "tests",
]


def _group(name: str) -> tuple[str, ...]:
    return tuple(nox.project.dependency_groups(PYPROJECT, name))


def _install(session: nox.Session, *groups: str) -> None:
    """Make the session's environment exactly the locked versions of `groups`.

    `--locked` fails when uv.lock is stale against a pyproject; `--no-editable` installs the
    distributions as users get them, so the tests run against installed packages.
    """
    reinstall = []
    if "packages" in groups:
        reinstall = [f"--reinstall-package={name}" for name in DISTRIBUTIONS]
    session.run_install(
        "uv",
        "sync",
        "--locked",
        "--no-editable",
        *[f"--only-group={group}" for group in groups],
        *reinstall,
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location, "UV_PYTHON_DOWNLOADS": "never"},
    )


def _bootstrap_requirements(session: nox.Session) -> str:
    """The bootstrap group (nox and uv, what .ci/run installs first) as pinned, hashed lines."""
    exported = session.run(
        "uv",
        "export",
        "--locked",
        "--only-group=bootstrap",
        "--no-emit-workspace",
        "--no-header",
        "--quiet",
        silent=True,
    )
    header = "# Written by `nox -s lock` from uv.lock; .ci/run installs it with pip.\n"
    return header + str(exported)


@nox.session(default=False)
def lock(session: nox.Session) -> None:
    """Rewrite uv.lock from the pyproject files (`-- --upgrade` takes the newest allowed)."""
    session.run("uv", "lock", *session.posargs)
    BOOTSTRAP.write_text(_bootstrap_requirements(session))
    session.log(f"{LOCK.name} and {BOOTSTRAP.relative_to(ROOT)} written; commit both")


@nox.session
def lock_check(session: nox.Session) -> None:
    """Fail when uv.lock or .ci/bootstrap.txt is stale against the pyproject files."""
    session.log("a failure here means: run `nox -s lock` and commit uv.lock and .ci/bootstrap.txt")
    session.run("uv", "lock", "--check")
    if not BOOTSTRAP.exists() or BOOTSTRAP.read_text() != _bootstrap_requirements(session):
        session.error(f"{BOOTSTRAP.relative_to(ROOT)} is stale: run `nox -s lock` and commit")
    session.log("uv.lock and .ci/bootstrap.txt match the pyproject files")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _generate(session: nox.Session, workdir: Path) -> Path:
    """Run the pinned generator in an empty directory outside the repo and return the new tree."""
    output = workdir / "generated_client"
    with session.chdir(workdir):
        session.run(
            "openapi-python-client",
            "generate",
            "--path",
            str(SPEC),
            "--config",
            str(CODEGEN_CONFIG),
            "--meta",
            "uv",
            "--output-path",
            str(output),
            "--fail-on-warning",
        )
    # ruff's cache is a by-product of the post-hooks, not part of the client.
    shutil.rmtree(output / ".ruff_cache", ignore_errors=True)
    # The generator leaves out the PEP 561 marker; without it users' type checkers ignore our types.
    (output / "connecttrade_client" / "py.typed").write_text("")
    return output


def _stamp(session: nox.Session) -> str:
    generator = session.run("openapi-python-client", "--version", silent=True)
    formatter = session.run("ruff", "--version", silent=True)
    stamp = {
        "generator": str(generator).strip(),
        "formatter": str(formatter).strip(),
        "spec": "openapi/openapi.json",
        "spec_sha256": _sha256(SPEC),
        "config_sha256": _sha256(CODEGEN_CONFIG),
    }
    return json.dumps(stamp, indent=2) + "\n"


def _tree_differences(expected: Path, actual: Path) -> list[str]:
    """Every file that is missing from, extra in, or different in `actual` (paths relative)."""
    expected_files = {p.relative_to(expected) for p in expected.rglob("*") if p.is_file()}
    actual_files = {
        p.relative_to(actual)
        for p in actual.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    problems = [f"missing: {p}" for p in sorted(expected_files - actual_files)]
    problems += [f"extra:   {p}" for p in sorted(actual_files - expected_files)]
    problems += [
        f"changed: {p}"
        for p in sorted(expected_files & actual_files)
        if not filecmp.cmp(expected / p, actual / p, shallow=False)
    ]
    return problems


@nox.session(default=False)
def codegen(session: nox.Session) -> None:
    """Regenerate generated_client/ from openapi/openapi.json (replaces the tree wholesale)."""
    _install(session, "codegen")
    with tempfile.TemporaryDirectory() as tmp:
        fresh = _generate(session, Path(tmp))
        shutil.rmtree(GENERATED, ignore_errors=True)
        shutil.copytree(fresh, GENERATED)
    STAMP.write_text(_stamp(session))
    session.log(f"generated_client/ regenerated; stamp written to {STAMP.relative_to(ROOT)}")


@nox.session
def codegen_check(session: nox.Session) -> None:
    """Fail when generated_client/ or its stamp differs from a fresh regeneration."""
    _install(session, "codegen")
    with tempfile.TemporaryDirectory() as tmp:
        fresh = _generate(session, Path(tmp))
        problems = _tree_differences(fresh, GENERATED)
    if not STAMP.exists() or STAMP.read_text() != _stamp(session):
        problems.append(f"changed: {STAMP.relative_to(ROOT)} (spec, config or tool versions moved)")
    if problems:
        listing = "\n  ".join(problems)
        session.error(
            "generated_client/ is out of date with openapi/openapi.json:\n  "
            f"{listing}\nFix: run `nox -s codegen` and commit the result."
        )
    session.log("generated_client/ matches a fresh regeneration")


# @asyncapi/parser (npm), pinned with all its dependencies by tools/asyncapi-validate's lock.
ASYNCAPI_TOOL = ROOT / "tools" / "asyncapi-validate"


def _ensure_asyncapi_parser(session: nox.Session) -> Path:
    """The official AsyncAPI parser as the lock pins it: `npm ci` when the lock moved."""
    modules = ASYNCAPI_TOOL / "node_modules"
    stamp = modules / ".installed-lock.sha256"
    lock_hash = _sha256(ASYNCAPI_TOOL / "package-lock.json")
    if not (stamp.exists() and stamp.read_text() == lock_hash):
        # --prefer-offline: npm's cache serves a repeated install without the network.
        session.run(
            "npm",
            "ci",
            "--prefix",
            str(ASYNCAPI_TOOL),
            "--ignore-scripts",
            "--prefer-offline",
            "--no-audit",
            "--no-fund",
            external=True,
        )
        stamp.write_text(lock_hash)
    return ASYNCAPI_TOOL / "validate.mjs"


@nox.session
def spec(session: nox.Session) -> None:
    """Validate both documents: the schemas, every example, the rules of openapi/validate.py,
    asyncapi.json's copies of REST schemas, and asyncapi.json with the official parser."""
    _install(session, "spec")
    # validate.py includes shared_schemas.py's check of asyncapi.json's REST copies.
    session.run("python", "openapi/validate.py")
    # Every diagnostic is printed; one of severity error fails the session.
    session.run("node", str(_ensure_asyncapi_parser(session)), str(ASYNCAPI), external=True)


@nox.session(default=False)
def spec_sync(session: nox.Session) -> None:
    """Rewrite asyncapi.json's copies of REST schemas from openapi.json (then run `spec`)."""
    _install(session, "spec")
    session.run("python", "openapi/shared_schemas.py", "--write")


# optic (npm), pinned with all its dependencies by tools/spec-diff/package-lock.json.
SPEC_DIFF_TOOL = ROOT / "tools" / "spec-diff"


def _ensure_optic(session: nox.Session) -> Path:
    """optic as the lock pins it: `npm ci` into tools/spec-diff/node_modules when the lock moved."""
    modules = SPEC_DIFF_TOOL / "node_modules"
    stamp = modules / ".installed-lock.sha256"
    lock_hash = _sha256(SPEC_DIFF_TOOL / "package-lock.json")
    if not (stamp.exists() and stamp.read_text() == lock_hash):
        # --ignore-scripts: no install script is needed, and two would only phone home or print.
        session.run(
            "npm",
            "ci",
            "--prefix",
            str(SPEC_DIFF_TOOL),
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            external=True,
        )
        stamp.write_text(lock_hash)
    return modules / ".bin" / "optic"


def _committed_spec(session: nox.Session) -> Path:
    """HEAD's openapi/openapi.json, written to the session's tmp folder under .nox/."""
    shown = subprocess.run(
        ["git", "show", "HEAD:openapi/openapi.json"],  # noqa: S607 - git from PATH, as nox's own
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if shown.returncode != 0:
        session.error(f"git show HEAD:openapi/openapi.json failed: {shown.stderr.decode().strip()}")
    committed = Path(session.create_tmp()) / "openapi.HEAD.json"
    committed.write_bytes(shown.stdout)
    return committed


def _run_optic(session: nox.Session, optic: Path, old: Path, new: Path) -> None:
    """optic's report on stdout; its notes on allOf variants it cannot read, summed up."""
    session.log(f"optic diff {old} {new} --check")
    result = subprocess.run(  # noqa: S603 - the pinned tool, our arguments
        [str(optic), "diff", str(old), str(new), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        # No usage reports or crash reports leave the machine.
        env={**os.environ, "OPTIC_TELEMETRY_LEVEL": "off"},
    )
    skipped: set[str] = set()
    for line in result.stderr.splitlines():
        notes = line.split("invalid allOf variant at ")
        if len(notes) > 1 and not notes[0].strip():
            skipped.update(note.rsplit("(", 1)[-1].rstrip(") ") for note in notes[1:])
        elif line.strip():
            print(line)
    # The hint to rerun with --web (an upload to optic's cloud) does not apply here.
    print("\n".join(line for line in result.stdout.splitlines() if "--web" not in line))
    if skipped:
        print(
            f"optic skipped {len(skipped)} allOf entries it cannot read (e.g. {min(skipped)}); "
            "the schema check below compares them."
        )
    # optic exits 1 when its checks find a breaking change: this session is a report.
    if result.returncode not in (0, 1):
        session.error(f"optic failed (exit {result.returncode})")


@nox.session(default=False)
def spec_diff(session: nox.Session) -> None:
    """What changed between two OpenAPI specs (`-- OLD NEW`; default: HEAD vs working copy)."""
    args = list(session.posargs)
    fail_on_breaking = "--fail-on-breaking" in args
    args = [arg for arg in args if arg != "--fail-on-breaking"]
    if len(args) > 2:
        session.error("usage: nox -s spec_diff -- [OLD [NEW]] [--fail-on-breaking]")
    new = Path(args[1]) if len(args) == 2 else SPEC
    if args:
        old, old_label = Path(args[0]), args[0]
    else:
        old, old_label = _committed_spec(session), "HEAD:openapi/openapi.json"
    new_label = str(new.relative_to(ROOT)) if new == SPEC else str(new)
    script = str(ROOT / "openapi" / "spec_diff.py")
    # Bad input fails here, before optic, whose exit status does not tell it from a finding.
    session.run("python", script, "--check-input", str(old), str(new))
    _run_optic(session, _ensure_optic(session), old, new)
    session.run(
        "python",
        script,
        str(old),
        str(new),
        f"--old-label={old_label}",
        f"--new-label={new_label}",
        *(["--fail-on-breaking"] if fail_on_breaking else []),
    )


@nox.session
def lint(session: nox.Session) -> None:
    """Run ruff's linter and formatter check on the handwritten code."""
    _install(session, "lint")
    session.run("ruff", "check", *HANDWRITTEN)
    session.run("ruff", "format", "--check", *HANDWRITTEN)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the handwritten code, against the installed packages."""
    _install(session, "packages", "typecheck", "tests")
    session.run("mypy", *HANDWRITTEN)
    # The generated client is not ours to style, but users type-check against it.
    session.run("mypy", "--strict", "-p", "connecttrade_client")


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite against the installed packages (not the source trees)."""
    _install(session, "packages", "tests")
    # The JUnit report lets .ci/run close with one plain "N passed, N failed" line.
    session.run("pytest", f"--junitxml={JUNIT_REPORT}", *session.posargs)


# Debian's package: Playwright drives it and never downloads a browser of its own.
CHROMIUM = Path("/usr/bin/chromium")


def _ensure_chromium(session: nox.Session) -> None:
    if CHROMIUM.exists():
        return
    if os.geteuid() != 0:
        session.error("chromium is missing: install it (Debian: apt-get install -y chromium)")
    started = time.perf_counter()
    apt_env = {"DEBIAN_FRONTEND": "noninteractive"}
    session.run("apt-get", "update", "-q", external=True, env=apt_env)
    # Without recommends: the browser and a font, not the desktop (printing, sound, perl).
    session.run(
        "apt-get",
        "install",
        "-y",
        "-q",
        "--no-install-recommends",
        "chromium",
        "fonts-liberation",
        external=True,
        env=apt_env,
    )
    session.log(f"chromium installed in {time.perf_counter() - started:.0f} s")


@nox.session
def browser(session: nox.Session) -> None:
    """The connect page in headless Chromium: each step, no JavaScript, keyboard, axe-core."""
    _install(session, "packages", "browser")
    _ensure_chromium(session)
    session.run(
        "pytest",
        "tests/browser",
        f"--junitxml={BROWSER_JUNIT_REPORT}",
        # xunit1 keeps each test's <properties>: the paths of its screenshots.
        "-o",
        "junit_family=xunit1",
        *session.posargs,
        # Playwright must use /usr/bin/chromium; a download attempt would fail offline.
        env={"PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1", "CONNECTTRADE_CHROMIUM": str(CHROMIUM)},
    )


def _unlocked_tests(session: nox.Session, resolution: str) -> None:
    """mypy and the tests with no lock: uv resolves afresh within the pyproject ranges and
    tool pins, taking the newest (`highest`) or the oldest (`lowest-direct`) it may."""
    session.install(
        f"--resolution={resolution}", *PACKAGE_PATHS, *_group("tests"), *_group("typecheck")
    )
    session.run("uv", "pip", "list", "--python", str(Path(session.bin) / "python"))
    session.run("mypy", *HANDWRITTEN)
    session.run("pytest", *session.posargs)


# A fresh environment each time: versions left from an earlier run would hide the resolution.
@nox.session(default=False, reuse_venv=False)
def tests_latest(session: nox.Session) -> None:
    """The tests and mypy against the newest versions the distributions' ranges allow."""
    _unlocked_tests(session, "highest")


@nox.session(default=False, reuse_venv=False)
def tests_lowest(session: nox.Session) -> None:
    """The tests and mypy against the oldest versions the distributions' ranges allow."""
    # The floor of every range users are promised (stamina 26.1, httpx 0.28.1, ...).
    _unlocked_tests(session, "lowest-direct")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@nox.session
def contract_cli(session: nox.Session) -> None:
    """Run the schemathesis CLI (all phases, all checks) against the mock on real uvicorn."""
    _install(session, "packages", "tests")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 - our own entry point, fixed arguments
        [
            str(Path(session.bin) / "connecttrade-mock"),
            "serve",
            "--port",
            str(port),
            "--clock",
            "manual",
            "--order-rate",
            "1000000",
            "--log-level",
            "warning",
        ]
    )
    try:
        _wait_for(session, server, base_url)
        session.run(
            "schemathesis",
            "--config-file",
            "tests/contract/schemathesis_cli.toml",
            "run",
            "openapi/openapi.json",
            "--url",
            base_url,
            env={"PYTHONPATH": str(ROOT / "tests" / "contract")},
        )
    finally:
        server.terminate()
        server.wait(timeout=15)


# The command docs/contract.md gives for a user's CI, run as written: no schemathesis.toml
# (st runs in an empty directory, so it finds none), no hooks, every phase and check.
PLAIN_RUN_HEADERS = [
    "client-id:demo-client",
    "client-secret:demo-secret",
    "user-id:demo-user",
    "user-secret:demo-user-secret",
]


@nox.session
def contract_plain(session: nox.Session) -> None:
    """`st run openapi/openapi.json --checks all` as a user's CI runs it, against
    `connecttrade-mock serve --profile contract-test`; then the demo user still works."""
    _install(session, "packages", "tests")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 - our own entry point, fixed arguments
        [
            str(Path(session.bin) / "connecttrade-mock"),
            "serve",
            "--profile",
            "contract-test",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ]
    )
    try:
        _wait_for(session, server, base_url)
        headers = [arg for header in PLAIN_RUN_HEADERS for arg in ("-H", header)]
        with tempfile.TemporaryDirectory() as empty, session.chdir(empty):
            session.run("st", "run", str(SPEC), "--url", base_url, *headers, "--checks", "all")
        # The run may call every operation as the demo user: it must leave it usable.
        request = urllib.request.Request(  # noqa: S310 - the local mock
            f"{base_url}/accounts",
            headers=dict(header.split(":", 1) for header in PLAIN_RUN_HEADERS),
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            accounts = json.load(answer)
        count = len(accounts)
        session.log(f"after the run, GET /accounts as demo-user: {answer.status}, {count} accounts")
        if count != 2:
            session.error("the demo user lost its accounts during the run")
    finally:
        server.terminate()
        server.wait(timeout=15)


def _wait_for(session: nox.Session, server: subprocess.Popen[bytes], base_url: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base_url}/_mock/state", timeout=1)  # noqa: S310
            return
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                session.error("the mock broker did not start")
            time.sleep(0.2)


@nox.session(default=False)
def imports(session: nox.Session) -> None:
    """Check each distribution's layer rules (import-linter contracts in */importlinter.ini)."""
    _install(session, "packages", "imports")
    configs = sorted(ROOT.glob("*/importlinter.ini"))
    if not configs:
        session.error("no */importlinter.ini: nothing states the layer rules")
    for config in configs:
        session.run("lint-imports", "--config", str(config.relative_to(ROOT)))


@nox.session(default=False)
def docs(session: nox.Session) -> None:
    """Build the documentation site (mkdocs.yml, docs/) strictly: a broken link fails."""
    _install(session, "packages", "docs")
    session.run(
        "mkdocs",
        "build",
        "--strict",
        "--site-dir",
        str(ROOT / ".nox" / "site"),
        # mkdocs-material's notice about a future mkdocs 2 is not about this site.
        env={"NO_MKDOCS_2_WARNING": "1"},
    )


@nox.session(default=False)
def docs_serve(session: nox.Session) -> None:
    """Serve the documentation site on http://127.0.0.1:8001, rebuilt on every change."""
    _install(session, "packages", "docs")
    session.run("mkdocs", "serve", "--dev-addr", "127.0.0.1:8001", *session.posargs)


@nox.session(default=False)
def demo(session: nox.Session) -> None:
    """Start the mock broker and watch the SDK trade against it (examples/quickstart.py)."""
    _install(session, "packages")
    session.run("python", "examples/quickstart.py")


# Prism 5.15 and later need Node 24; this is the newest release that runs on Node 18-22.
PRISM_VERSION = "5.14.2"
BENCH_CACHE = ROOT / "bench" / ".cache"


def _ensure_wrk(session: nox.Session) -> None:
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0:
        session.error("wrk is missing: install it (Debian/Ubuntu: apt-get install -y wrk)")
    session.run("apt-get", "update", external=True)
    session.run("apt-get", "install", "-y", "wrk", external=True)


def _ensure_prism(session: nox.Session) -> Path:
    """The pinned Prism CLI, installed from the npm registry under bench/.cache/."""
    prefix = BENCH_CACHE / "prism"
    binary = prefix / "node_modules" / ".bin" / "prism"
    installed = prefix / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    if not (binary.exists() and json.loads(installed.read_text())["version"] == PRISM_VERSION):
        prefix.mkdir(parents=True, exist_ok=True)
        session.run(
            "npm",
            "install",
            "--no-save",
            "--prefix",
            str(prefix),
            f"@stoplight/prism-cli@{PRISM_VERSION}",
            external=True,
        )
    return binary


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Benchmark the mock (vs Prism and bare Starlette), growth, SDK and codegen; write docs."""
    _install(session, "packages", "bench")
    _ensure_wrk(session)
    prism = _ensure_prism(session)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        _generate(session, Path(tmp))
        codegen_seconds = time.perf_counter() - started
    session.run(
        "python",
        "-m",
        "bench",
        "--prism",
        str(prism),
        "--prism-version",
        PRISM_VERSION,
        "--codegen-seconds",
        f"{codegen_seconds:.2f}",
        *session.posargs,
    )
