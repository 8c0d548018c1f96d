"""Build the Lambda layers without Docker: the shared code, the API dependencies and the bot's extras.

    python scripts/build_layers.py [--out build/layers] [--include-aws-sdk] [--only code,deps,bot]

Layouts (each folder is what CDK zips with ``Code.from_asset``; Lambda unpacks layers into /opt):

- ``<out>/code/python/filmhub``  the shared package from ``layers/filmhub``;
- ``<out>/deps/python``          ``requirements.txt`` installed for Lambda's platform (cp313, manylinux2014_aarch64)
                                 with pip's ``--platform``/``--only-binary`` switches, so no Docker is needed;
- ``<out>/bot/python``           ``requirements-bot.txt`` (aiogram …) constrained to the versions already in the
                                 dependency layer, minus every distribution that layer already ships.

Every layer is byte-compiled by CPython 3.13 with *unchecked-hash* pycs in ``__pycache__`` beside the sources
(which are kept for tracebacks): /opt is read-only, so Lambda can't write pycs, and CDK zips assets with a fixed
1980 timestamp, so timestamp-based pycs would never match their sources and every cold start would recompile.
The AWS SDK (boto3, botocore and their own dependencies) is left out by default: the Lambda Python runtime ships
it and it would take the dependency layer over its 60 MB budget (``--include-aws-sdk`` keeps it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import Distribution, distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON_VERSION = "3.13"
PLATFORM = "manylinux2014_aarch64"
MIB = 1024 * 1024
#: Unzipped size budget of the API dependency layer (the issue's limit; Lambda's hard limit is 250 MB in total).
DEPS_BUDGET_BYTES = 60 * MIB
#: Provided by the Lambda Python runtime; botocore alone is ~30 MB unzipped before byte-compiling.
AWS_SDK_DISTRIBUTIONS = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3"})
LAYERS = ("code", "deps", "bot")


@dataclass(frozen=True)
class LayerReport:
    name: str
    path: Path
    size_bytes: int
    files: int

    def line(self) -> str:
        return f"{self.name:<5} {self.size_bytes / MIB:7.1f} MiB unzipped  {self.files:6d} files  {self.path}"


def canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def tree_size(path: Path) -> tuple[int, int]:
    """Apparent bytes and file count: what the layer occupies once Lambda unzips it."""
    total = count = 0
    for file in path.rglob("*"):
        if file.is_file() and not file.is_symlink():
            total += file.stat().st_size
            count += 1
    return total, count


def python313() -> list[str]:
    """A CPython 3.13 command: pycs carry the interpreter's magic number, so only 3.13 will do."""
    if sys.version_info[:2] == (3, 13):
        return [sys.executable]
    candidates: list[tuple[list[str], dict[str, str]]] = []
    if found := shutil.which("python3.13"):
        candidates.append(([found], {}))
    if shutil.which("pyenv"):
        candidates.append((["pyenv", "exec", "python"], {"PYENV_VERSION": os.environ.get("PYENV_VERSION", "3.13")}))
    for command, extra_env in candidates:
        probe = subprocess.run(
            [*command, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            env={**os.environ, **extra_env},
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == PYTHON_VERSION:
            if extra_env:  # pyenv: pin the version for the child explicitly
                return ["env", *(f"{key}={value}" for key, value in extra_env.items()), *command]
            return command
    raise SystemExit("CPython 3.13 is needed to byte-compile the layers (python3.13 or pyenv with 3.13)")


def byte_compile(root: Path, layer_name: str) -> None:
    # -d: tracebacks name the path Lambda sees (/opt/python/...), not this build folder.
    subprocess.run(
        [
            *python313(),
            "-m",
            "compileall",
            "-q",
            "-j",
            "0",
            "--invalidation-mode",
            "unchecked-hash",
            "-s",
            str(root),
            "-p",
            "/opt/python",
            str(root),
        ],
        check=True,
    )
    stray = [path for path in root.rglob("*.pyc") if f".cpython-3{PYTHON_VERSION[2:]}" not in path.name]
    if stray:
        raise SystemExit(f"{layer_name}: unexpected pycs for another interpreter: {stray[:3]}")


def pip_install(target: Path, requirements: Path, constraints: Path | None = None) -> None:
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",  # compiled below by 3.13, whatever runs pip
        "--platform",
        PLATFORM,
        "--only-binary=:all:",
        "--python-version",
        PYTHON_VERSION,
        "--implementation",
        "cp",
        "--target",
        str(target),
        "-r",
        str(requirements),
    ]
    if constraints is not None:
        command += ["-c", str(constraints)]
    subprocess.run(command, check=True)


def installed(target: Path) -> dict[str, Distribution]:
    return {canonical(dist.metadata["Name"]): dist for dist in distributions(path=[str(target)])}


def remove_distribution(target: Path, dist: Distribution) -> None:
    """Delete a distribution's files (from its RECORD) and its metadata folder, then prune empty folders."""
    root = target.resolve()
    for file in dist.files or []:  # RECORD lists the .dist-info files too
        path = Path(str(dist.locate_file(file))).resolve()
        if path.is_relative_to(root) and path.is_file():
            path.unlink()
    for folder in sorted((p for p in target.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


def tidy(python_dir: Path) -> None:
    """Drop what Lambda never uses: console scripts (shebangs of this machine) and stale caches."""
    shutil.rmtree(python_dir / "bin", ignore_errors=True)
    for cache in python_dir.rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)


def fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def build_code(out: Path) -> Path:
    layer = fresh(out / "code")
    shutil.copytree(
        ROOT / "layers" / "filmhub",
        layer / "python" / "filmhub",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo"),
    )
    byte_compile(layer / "python", "code")
    return layer


def build_deps(out: Path, include_aws_sdk: bool) -> Path:
    layer = fresh(out / "deps")
    python_dir = layer / "python"
    pip_install(python_dir, ROOT / "requirements.txt")
    if not include_aws_sdk:
        for name, dist in installed(python_dir).items():
            if name in AWS_SDK_DISTRIBUTIONS:
                remove_distribution(python_dir, dist)
    tidy(python_dir)
    byte_compile(python_dir, "deps")
    return layer


def build_bot(out: Path, include_aws_sdk: bool) -> Path:
    """The bot's extras only: the bot function also gets the code and dependency layers."""
    deps_dir = out / "deps" / "python"
    if not deps_dir.is_dir():
        raise SystemExit("build the deps layer first: the bot layer is deduplicated against it")
    shared = installed(deps_dir)
    layer = fresh(out / "bot")
    python_dir = layer / "python"
    with tempfile.TemporaryDirectory() as scratch:
        # Pin every shared distribution to the dependency layer's version, so the two layers agree.
        constraints = Path(scratch) / "constraints.txt"
        constraints.write_text("".join(f"{dist.metadata['Name']}=={dist.version}\n" for dist in shared.values()))
        pip_install(python_dir, ROOT / "requirements-bot.txt", constraints)
    for name, dist in installed(python_dir).items():
        if name in shared or (not include_aws_sdk and name in AWS_SDK_DISTRIBUTIONS):
            remove_distribution(python_dir, dist)
    tidy(python_dir)
    byte_compile(python_dir, "bot")
    return layer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "layers")
    parser.add_argument("--include-aws-sdk", action="store_true", help="keep boto3/botocore in the layers")
    parser.add_argument("--only", default=",".join(LAYERS), help="comma-separated subset of code,deps,bot")
    args = parser.parse_args(argv)
    wanted = [name for name in args.only.split(",") if name]
    if unknown := set(wanted) - set(LAYERS):
        parser.error(f"unknown layers: {sorted(unknown)}")

    out: Path = args.out.resolve()
    builders = {
        "code": lambda: build_code(out),
        "deps": lambda: build_deps(out, args.include_aws_sdk),
        "bot": lambda: build_bot(out, args.include_aws_sdk),
    }
    reports: list[LayerReport] = []
    for name in LAYERS:
        if name not in wanted:
            continue
        started = time.monotonic()
        path = builders[name]()
        size, files = tree_size(path)
        reports.append(LayerReport(name, path, size, files))
        print(f"built {name} layer in {time.monotonic() - started:.1f}s", flush=True)

    print("\nLayer sizes (unzipped; Lambda allows 250 MB for a function and all its layers):")
    for report in reports:
        print("  " + report.line())
    over = [r for r in reports if r.name == "deps" and r.size_bytes > DEPS_BUDGET_BYTES]
    if over:
        print(f"deps layer is over its {DEPS_BUDGET_BYTES // MIB} MiB budget", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
