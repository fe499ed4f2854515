import leak_per_call

CALLS = 100
target = object()
base = sys.getrefcount(target)
for _ in range(CALLS):
    leak_per_call.no_leak(target)
after_no_leak = sys.getrefcount(target)
for _ in range(CALLS):
    leak_per_call.leak(target)
report(calls=CALLS, no_leak_delta=after_no_leak - base, leak_delta=sys.getrefcount(target) - after_no_leak)
