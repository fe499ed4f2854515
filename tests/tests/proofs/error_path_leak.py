import error_path_leak

CALLS = 50
tag = object()
base = sys.getrefcount(tag)
filled = None
for _ in range(CALLS):
    filled = [None, None, None]
    error_path_leak.insert_powers(filled, tag)
contents_ok = filled == [(tag, 0), (tag, 1), (tag, 4)]
del filled
success_delta = sys.getrefcount(tag) - base
error = None
for _ in range(CALLS):
    error = error_of(lambda: error_path_leak.insert_powers((1, 2, 3), tag))
report(
    calls=CALLS,
    list_filled=contents_ok,
    success_path_delta=success_delta,
    error=error,
    error_path_delta=sys.getrefcount(tag) - base - success_delta,
)
