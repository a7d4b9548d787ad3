//! Parse throughput benchmark (placeholder).
fn main() {}
