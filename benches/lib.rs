//! Inputs shared by the cwmp-rs benchmarks.
