# Part of the extharness probe (harness/harness/src/probe/mod.rs joins the parts
# into one file): the import scenario: what the module defines.


def scenario_import(config, module):
    return {"attributes": [k for k, _ in public(module)]}
