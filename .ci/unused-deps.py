#!/usr/bin/env python3
"""Every manifest lists exactly what its crate uses.

For each workspace member, every dependency in `[dependencies]` must be named in the crate's
library/binary sources (`src/`, `build.rs`), and every `[dev-dependencies]` entry in its tests,
benches, examples or `src/` (unit tests). "Named" means the crate's Rust identifier (`-` → `_`)
appears as a word in the source, as `use name::`, `name::path` or `extern crate name`. This is the
check `cargo machete` makes (a regex over the sources); it is a few lines of Python here because
installing cargo-machete compiles a hundred crates on every CI run. Dependencies used only through
their features (e.g. `gmp-mpfr-sys`, declared to switch off GMP's own tests) are listed in the
crate's `[package.metadata.cargo-machete] ignored = [...]`, the key cargo-machete reads.

Exit 1 and a list of `crate: dependency (section)` when something is declared but unused.
"""
import pathlib
import re
import sys
import tomllib

root = pathlib.Path(__file__).resolve().parent.parent
workspace = tomllib.loads((root / "Cargo.toml").read_text())
members = workspace["workspace"]["members"]


def sources(crate: pathlib.Path, dirs):
    text = []
    for d in dirs:
        p = crate / d
        if p.is_file():
            text.append(p.read_text(errors="replace"))
        elif p.is_dir():
            for f in sorted(p.rglob("*.rs")):
                text.append(f.read_text(errors="replace"))
    return "\n".join(text)


problems = []
for m in members:
    crate = root / m
    manifest = tomllib.loads((crate / "Cargo.toml").read_text())
    ignored = set(
        manifest.get("package", {}).get("metadata", {}).get("cargo-machete", {}).get("ignored", [])
    )
    lib_src = sources(crate, ["src", "build.rs"])
    all_src = lib_src + "\n" + sources(crate, ["tests", "benches", "examples"])
    for section, text in (("dependencies", lib_src), ("dev-dependencies", all_src),
                          ("build-dependencies", sources(crate, ["build.rs"]))):
        for name, spec in manifest.get(section, {}).items():
            if name in ignored:
                continue
            package = spec.get("package", name) if isinstance(spec, dict) else name
            ident = name.replace("-", "_")
            # a renamed dependency is used under its key; the lib name of a package is its
            # package name with '-' -> '_' unless the key renames it
            if not re.search(r"\b" + re.escape(ident) + r"\b", text):
                problems.append(f"{m}: {name} ({section}{', package ' + package if package != name else ''})")

if problems:
    print("declared but unused dependencies (remove them, or list them under "
          "[package.metadata.cargo-machete] ignored with a comment saying why):")
    for p in problems:
        print("  " + p)
    sys.exit(1)
print(f"manifests: every dependency of {len(members)} crates is used")
