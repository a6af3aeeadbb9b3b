"""Instruments that observe a backward pass or the ops a thread runs: gradient hooks, anomaly mode, the profiler, backward_steps. They observe; they never rewrite live code."""
