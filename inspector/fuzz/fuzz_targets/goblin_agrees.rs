//! Arbitrary bytes read by `binary` and by goblin, the independent second
//! reader: whenever both read them, the facts the view reports agree, or
//! differ only in the ways inspector/binary/tests/second_reader explains.
//! A panic inside goblin is goblin's own bug, not a finding of this target.
#![no_main]

use std::cell::Cell;
use std::sync::Once;

use libfuzzer_sys::fuzz_target;

#[path = "../../binary/tests/second_reader/mod.rs"]
mod second_reader;

thread_local! {
    static IN_GOBLIN: Cell<bool> = const { Cell::new(false) };
}

/// libfuzzer-sys's panic hook aborts; inside goblin a panic is caught.
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_GOBLIN.with(Cell::get) {
                fuzzer_hook(info);
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    install_hook();
    let Ok(view) = binary::parse(data) else {
        return;
    };
    IN_GOBLIN.with(|g| g.set(true));
    let theirs = std::panic::catch_unwind(|| second_reader::goblin(data));
    IN_GOBLIN.with(|g| g.set(false));
    let Ok(Ok(theirs)) = theirs else {
        return;
    };
    let disagreements = second_reader::compare(&view, &theirs);
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
});
