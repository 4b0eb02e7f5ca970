"""Generated Clarion v1 protobuf and gRPC stubs (do not edit; run scripts/gen)."""
