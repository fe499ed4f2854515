import links_libpython

report(ping=links_libpython.ping())
