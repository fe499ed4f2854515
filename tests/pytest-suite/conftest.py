# The sample corpus (target/samples/<tag>-<target>/), from the harness's own
# test: EXTHARNESS_SAMPLES lists directories like PATH does, so that a debug
# interpreter can find its own builds first and a release one fall through
# to the next directory.
import os
import sys

sys.path[:0] = os.environ["EXTHARNESS_SAMPLES"].split(os.pathsep)
