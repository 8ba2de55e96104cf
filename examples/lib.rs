//! Shared code of the cwmp-rs examples (transports live only here).
