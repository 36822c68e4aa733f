//! Generates the CRI v1 client stubs (`runtime.v1`) from the vendored proto with tonic/prost.
//! Needs `protoc` (Debian `protobuf-compiler`), as the etcd client does.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto/runtime/v1/api.proto");
    tonic_prost_build::configure()
        .build_server(false)
        .build_client(true)
        .compile_protos(&["proto/runtime/v1/api.proto"], &["proto"])?;
    Ok(())
}
