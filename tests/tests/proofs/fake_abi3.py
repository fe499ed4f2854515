import fake_abi3

report(first_char=fake_abi3.first_char("é"))
