import init_and_export as module

report(entry=module.entry, doc=module.__doc__, entry_point=module.entry_point())
