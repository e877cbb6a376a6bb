"""Routine native log lines are dropped from stderr; everything else passes at once."""

import os

from core.native_logs import routine_native_logs_hidden


def test_only_routine_lines_are_dropped(capfd):
    with routine_native_logs_hidden():
        os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called are "
                    b"written to STDERR\n")
        os.write(2, b"I0000 00:00:1795921726.7 13695 port.cc:153] oneDNN custom operations\n")
        os.write(2, b"E0000 00:00:1795921729.9 13695 cuda_platform.cc:52] failed call to "
                    b"cuInit: INTERNAL\n")
        os.write(2, b"E0000 00:00:1.0 1 bfc_allocator.cc:1] Out of memory\n")
        os.write(2, b"neuron-lab: a real message\n")
    assert capfd.readouterr().err.splitlines() == [
        "E0000 00:00:1.0 1 bfc_allocator.cc:1] Out of memory", "neuron-lab: a real message"]
