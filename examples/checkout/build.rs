//! Compiles `proto/orders.proto`. Uses the `protoc` on `PROTOC` or `PATH` when there is
//! one, else the vendored binary, so `cargo run -p checkout` needs nothing installed.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    println!("cargo:rerun-if-env-changed=PROTOC");
    let mut config = tonic_prost_build::Config::new();
    let have_protoc = std::env::var_os("PROTOC").is_some()
        || std::process::Command::new("protoc")
            .arg("--version")
            .output()
            .is_ok();
    if !have_protoc {
        // Given to prost-build directly: `std::env::set_var` is `unsafe` in edition 2024.
        config.protoc_executable(protoc_bin_vendored::protoc_bin_path()?);
    }
    tonic_prost_build::configure().compile_with_config(config, &["proto/orders.proto"], &["proto"])?;
    Ok(())
}
