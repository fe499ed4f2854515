//! One selector byte (the file name, see src/lib.rs), then a file's bytes:
//! the whole inspection `extinspect FILE` does, then rendering.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    if let Err(failure) = extinspect::fuzz::inspect_file(input) {
        panic!("{failure}");
    }
});
