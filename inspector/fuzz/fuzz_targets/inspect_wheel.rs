//! One selector byte (the wheel's name and `--abi3-min`, see src/lib.rs),
//! then a wheel's bytes: the whole inspection `extinspect WHEEL` does, then
//! rendering.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    if let Err(failure) = extinspect::fuzz::inspect_wheel(input) {
        panic!("{failure}");
    }
});
