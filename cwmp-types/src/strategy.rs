//! proptest strategies for every message type (feature `proptest`).
