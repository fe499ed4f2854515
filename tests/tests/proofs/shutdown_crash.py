import shutdown_crash

report(ping=shutdown_crash.ping())
