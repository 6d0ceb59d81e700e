//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn samples() -> PathBuf {
    root().join("data").join("samples")
}

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_realpolitik"))
}

/// Run the binary with an isolated environment (no user store, no network settings).
pub fn run(args: &[&str]) -> Output {
    bin().args(args).env_remove("REALPOLITIK_STORE").output().expect("run realpolitik")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Is a Python module importable? In CI (CI set) a missing module is a failure, not a skip.
pub fn python_has(modules: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {modules}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok && std::env::var_os("CI").is_some() {
        panic!("python3 modules `{modules}` are missing; .ci/run installs them");
    }
    if !ok {
        eprintln!("skipping: python3 modules `{modules}` not installed (run .ci/run or scripts/setup)");
    }
    ok
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write fixture");
    p
}
