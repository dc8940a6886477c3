//! sar-http: shared HTTP plumbing: problem+json errors, bearer-token authentication, request metrics.
