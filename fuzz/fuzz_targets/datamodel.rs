#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| cwmp_fuzz::datamodel(data));
