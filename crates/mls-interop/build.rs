//! Generates the tonic service (server and client) of `mls_client.MLSClient`
//! from the RPC table in src/rpcs.rs with tonic-build's `manual` builder: no
//! protoc, no .proto file needed at build time. The messages themselves are
//! hand-written prost structs (src/proto.rs).

include!("src/rpcs.rs");

fn main() {
    println!("cargo:rerun-if-changed=src/rpcs.rs");
    let mut service = tonic_build::manual::Service::builder()
        .name("MLSClient")
        .package("mls_client")
        .comment("A wrapper around an MLS client implementation (mls_client.proto).");
    for (route, input, output) in RPCS {
        service = service.method(
            tonic_build::manual::Method::builder()
                .name(rust_method_name(route))
                .route_name(*route)
                .input_type(format!("crate::proto::{input}"))
                .output_type(format!("crate::proto::{output}"))
                .codec_path("tonic_prost::ProstCodec")
                .build(),
        );
    }
    tonic_build::manual::Builder::new().compile(&[service.build()]);
}
