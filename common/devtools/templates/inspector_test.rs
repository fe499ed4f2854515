mod common;

use common::*;

const CHECK: &str = "{{id}}";
const NAME: &str = "spam.cpython-312-x86_64-linux-gnu.so";

#[test]
fn reports_what_it_exists_to_find() {
    let module = elf_x86_64().export("PyInit_spam").build();
    let report = run(NAME, &module);
    todo!("build a module `{{id}}` must report, assert its one finding: {:?}", only(&report, CHECK));
}

#[test]
fn is_silent_on_a_clean_module() {
    let module = elf_x86_64().export("PyInit_spam").build();
    assert_silent(&run(NAME, &module), CHECK);
}
