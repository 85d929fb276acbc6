//! Copies docs/getting-started.md's two `main`s into `OUT_DIR` for the binaries: the
//! fenced block with `#[tokio::main]` (axum) and the one with `#[actix_web::main]`
//! (actix-web). The only change is the port, 3000 in the guide, read from `PORT` so the
//! test can run both at once on free ports. A block that is gone, or a port written
//! another way, fails the build with what to fix.

use std::path::Path;

const GUIDE: &str = "../../docs/getting-started.md";

/// Appended to each copy: the port the rewritten lines use.
const PORT: &str = r#"
/// The guide's port, 3000, unless `PORT` says otherwise.
struct GuidePort;

/// In the rewritten lines: `{GUIDE_PORT}` in a format string, `GUIDE_PORT.get()` elsewhere.
const GUIDE_PORT: GuidePort = GuidePort;

impl GuidePort {
    fn get(&self) -> u16 {
        std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(3000)
    }
}

impl std::fmt::Display for GuidePort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.get())
    }
}
"#;

fn main() {
    println!("cargo::rerun-if-changed={GUIDE}");
    let guide = std::fs::read_to_string(GUIDE).expect("docs/getting-started.md");
    let blocks = rust_blocks(&guide);
    let out = std::env::var("OUT_DIR").expect("OUT_DIR");
    for (file, marker) in [
        ("guide_axum.rs", "#[tokio::main]"),
        ("guide_actix.rs", "#[actix_web::main]"),
    ] {
        let block = blocks
            .iter()
            .find(|b| b.contains(marker) && b.contains("fn main"))
            .unwrap_or_else(|| panic!("{GUIDE}: no ```rust block with {marker} and `fn main`"));
        let code = with_port(block, file);
        std::fs::write(Path::new(&out).join(file), code + PORT).expect("write the copy");
    }
}

/// The bodies of the ```rust fences (any flags), hidden `# ` lines included as rustdoc
/// compiles them.
fn rust_blocks(guide: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in guide.lines() {
        match current.as_mut() {
            None if line.starts_with("```rust") => current = Some(String::new()),
            None => {}
            Some(_) if line.starts_with("```") => blocks.extend(current.take()),
            Some(block) => {
                let line = line
                    .strip_prefix("# ")
                    .unwrap_or(if line == "#" { "" } else { line });
                block.push_str(line);
                block.push('\n');
            }
        }
    }
    blocks
}

/// The guide's port 3000, in the three forms it writes it, made `PORT`'s.
fn with_port(block: &str, file: &str) -> String {
    let code = block
        .replace("(\"127.0.0.1:3000\")", "(format!(\"127.0.0.1:{GUIDE_PORT}\"))")
        .replace("127.0.0.1:3000", "127.0.0.1:{GUIDE_PORT}")
        .replace("(\"127.0.0.1\", 3000)", "(\"127.0.0.1\", GUIDE_PORT.get())");
    assert!(
        code.contains("GUIDE_PORT") && !code.contains("3000"),
        "{GUIDE}: the {file} block writes its port 3000 in a form build.rs does not rewrite; \
         use \"127.0.0.1:3000\" or (\"127.0.0.1\", 3000), or teach build.rs the new form"
    );
    code
}
