//! The source layout shows the model and imports run one way:
//! `scenario` ← `engine` ← `analysis` ← `simulate` ← `python`. A stage may use the stages
//! before it, never one after it, so no import cycle can form between stages.

use std::path::Path;

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn each_stage_uses_only_the_stages_before_it() {
    let order = ["scenario", "engine", "analysis", "simulate", "python"];
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut bad = Vec::new();
    for (i, stage) in order.iter().enumerate() {
        let mut files = Vec::new();
        rust_files(&src.join(stage), &mut files);
        assert!(!files.is_empty(), "src/{stage}/ has no Rust files");
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for later in &order[i + 1..] {
                let needle = format!("crate::{later}::");
                for (n, line) in text.lines().enumerate() {
                    // Doc links may point forward; code may not.
                    let code = line.trim_start();
                    if code.starts_with("//") {
                        continue;
                    }
                    if code.contains(&needle) {
                        bad.push(format!("{}:{}: {}", f.display(), n + 1, code));
                    }
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "imports against the stage order:\n{}",
        bad.join("\n")
    );
}

#[test]
fn lib_rs_is_a_table_of_contents() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    let code: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//") && !l.starts_with("#"))
        .collect();
    for l in &code {
        assert!(
            l.starts_with("pub mod ") || l.starts_with("mod ") || l.starts_with("pub use "),
            "lib.rs should only declare modules and re-exports, found: {l}"
        );
    }
}
