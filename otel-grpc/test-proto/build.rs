//! Compiles the test-only protos (`proto/`) for otel-kit-grpc's tests and bench. Uses the
//! `protoc` on `PROTOC` or `PATH` when there is one, else the vendored binary, so a
//! fresh clone builds with nothing installed.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    println!("cargo:rerun-if-env-changed=PROTOC");
    let have_protoc = std::env::var_os("PROTOC").is_some()
        || std::process::Command::new("protoc")
            .arg("--version")
            .output()
            .is_ok();
    if !have_protoc {
        let protoc = protoc_bin_vendored::protoc_bin_path()?;
        // Given to prost-build directly: `std::env::set_var` is `unsafe` in edition 2024.
        let mut config = tonic_prost_build::Config::new();
        config.protoc_executable(protoc);
        return compile(config);
    }
    compile(tonic_prost_build::Config::new())
}

fn compile(config: tonic_prost_build::Config) -> Result<(), Box<dyn std::error::Error>> {
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .compile_with_config(config, &["proto/echo.proto", "proto/health.proto"], &["proto"])?;
    Ok(())
}
