//! Reads CWMP captures: `decode FILE` prints JSON, `encode FILE.json` prints XML.
fn main() {}
