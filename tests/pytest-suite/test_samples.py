# Tests over the sample modules for `extharness pytest`
# (harness/extharness/tests/pytest.rs): what each test must be reported as is in
# its name and comment. Order matters: the tests after the segfault must
# still run.
import ctypes
import unittest

import pytest

import clean_multiphase
import error_path_leak
import leak_per_call


def test_clean():
    for _ in range(10):
        leak_per_call.no_leak(object())
        clean_multiphase.increment()
    with pytest.raises(clean_multiphase.Error):
        clean_multiphase.fail()


@pytest.fixture(scope="module")
def counter_start():
    # Set up once for the module, whatever the repetitions: pytest's own
    # bookkeeping of wider-scoped fixtures must not look like a leak.
    return clean_multiphase.increment()


def test_clean_with_fixtures(counter_start, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("EXTHARNESS_SUITE", "1")
    assert not (tmp_path / "done").exists()  # a fresh directory every run
    (tmp_path / "done").write_text("x")
    print(clean_multiphase.increment() > counter_start)
    assert capsys.readouterr().out == "True\n"


class TestCleanUnittest(unittest.TestCase):
    def setUp(self):
        self.module = clean_multiphase

    def test_error_type(self):
        with self.assertRaises(self.module.Error):
            self.module.fail()


def test_leak():
    # Ten objects kept alive per run: ten memory blocks (and references).
    for _ in range(10):
        leak_per_call.leak(object())


def test_error_path_leak():
    # A tuple is immutable: the first store fails and its item is leaked.
    for _ in range(10):
        with pytest.raises(TypeError):
            error_path_leak.insert_powers((1, 2, 3), "tag")


def test_fails():
    assert clean_multiphase.increment() == 0


@pytest.mark.skip(reason="skipped on purpose")
def test_skipped():
    leak_per_call.leak(object())


def test_segfault():
    ctypes.string_at(0)


def test_clean_after_segfault():
    assert clean_multiphase.increment() >= 1


def test_leak_after_segfault():
    for _ in range(3):
        leak_per_call.leak(object())
