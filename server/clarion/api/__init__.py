"""gRPC servicers and authentication: proto <-> domain, nothing else."""
