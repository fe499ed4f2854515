first = importlib.import_module("static_cache_pergil")
second = reimport("static_cache_pergil")
check = "import static_cache_pergil as m; assert id(m.get_cache()) == %d, 'not shared'" % id(first.get_cache())
report(
    fresh_module=second is not first,
    same_cache=second.cache is first.cache and second.get_cache() is first.get_cache(),
    own_gil_sees_main_object=run_isolated(check),
)
