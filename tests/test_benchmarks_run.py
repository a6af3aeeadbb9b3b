"""The benchmark scripts still run: each in its tiny --quick mode (their timings are not checked)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def run(script, *args):
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--quick", *args],
        capture_output=True,
        check=False,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


@pytest.fixture(scope="module")
def scalar_output():
    if importlib.util.find_spec("micrograd") is None:
        pytest.skip("the bench extra (micrograd) is not installed")
    return run("scalar_micrograd.py")


def test_scalar_benchmark_finds_the_same_initial_loss_as_micrograd(scalar_output):
    assert "bit-identical: True" in scalar_output


def test_scalar_benchmark_reports_both_gc_modes_and_bytes_per_node(scalar_output):
    out = scalar_output
    assert ["default GC:" in out, "GC off:" in out, "## Bytes per op node" in out] == [True, True, True]


def test_tensor_benchmark_reports_the_small_size_in_both_dtypes():
    rows = [line for line in run("tensor_mlp.py", "--without-torch").splitlines() if line.startswith("| small")]
    assert [row.split("|")[2].strip() for row in rows] == ["float32", "float64"]


def test_profile_step_prints_a_table_of_tensor_ops():
    out = run("profile_step.py")
    assert "linear" in out and "total" in out  # nn.Linear records one linear node


def test_profile_step_counts_the_python_calls_of_one_tensor_step():
    out = run("profile_step.py", "--calls")
    counts = {}
    for line in out.splitlines():
        cells = [cell.strip() for cell in line.split("|")[1:-1]]
        if len(cells) == 2 and cells[1].isdigit():
            counts[cells[0]] = int(cells[1])
    assert counts["total (Python functions)"] == sum(calls for name, calls in counts.items() if not name.startswith("total"))
    assert any(name.endswith(" topological_order") and calls == 1 for name, calls in counts.items())


def test_step_parts_times_every_part_of_the_small_step():
    out = run("step_parts.py")
    parts = [line.split("|")[1].strip() for line in out.splitlines() if line.startswith("| ") and "µs" not in line]
    assert parts == ["numpy by hand, whole step", "ours-raw, whole step", "ours-nn, whole step", "model(X)",
                     "loss_fn(logits, y)", "zero_grad + forward + loss + backward()", "optimizer.step()"]


def test_profile_step_prints_a_table_of_scalar_ops():
    out = run("profile_step.py", "--scalar")
    assert "dot" in out and "relu" in out


def test_health_overhead_reports_the_three_costs():
    out = run("health_overhead.py")
    for fragment in ("ours before hooks", "inside detect_anomaly()", "monitor=True", "detect_anomaly=True"):
        assert fragment in out


def test_conv_benchmark_reports_a_float32_ratio_to_pytorch():
    if importlib.util.find_spec("torch") is None:
        pytest.skip("the conv benchmark compares with PyTorch, which is not installed")
    rows = [line for line in run("conv_step.py").splitlines() if line.startswith("| float32")]
    assert rows[0].split("|")[4].strip().endswith("x**")


def test_fit_epoch_benchmark_runs_and_reports_the_ratio():
    output = run("fit_epoch.py")
    assert "nn.fit / numpy (paired):" in output


def test_jacobians_benchmark_reports_both_sides_with_equal_jacobians():
    rows = [line for line in run("jacobians.py", "--without-torch").splitlines() if line.startswith(("| tall", "| wide"))]
    assert [row.split("|")[1].split()[0] for row in rows] == ["tall", "wide"]
    assert all(row.rstrip(" |").endswith("yes") for row in rows)


def test_makemore_benchmark_reports_both_pairs_against_pytorch():
    if importlib.util.find_spec("torch") is None:
        pytest.skip("the makemore benchmark compares with PyTorch, which is not installed")
    rows = [line for line in run("makemore_step.py").splitlines() if line.startswith("| float32")]
    assert [row.split("|")[2].strip() for row in rows] == ["ours-nn / torch-nn", "ours-raw / torch-raw"]
    assert all(row.split("|")[5].strip().endswith("x**") for row in rows)


def test_scalar_spread_reports_each_engine_from_a_fresh_process():
    if importlib.util.find_spec("micrograd") is None:
        pytest.skip("the bench extra (micrograd) is not installed")
    output = run("scalar_spread.py")
    assert "GC off" in output
    assert "min / median / max: chainrule" in output and "micrograd" in output


def test_safety_share_reports_a_share_for_each_workload_it_ran():
    output = run("safety_share.py")
    rows = [line for line in output.splitlines() if line.startswith("| ") and "%" in line]
    assert [row.split("|")[1].strip() for row in rows] == ["scalar (micrograd's demo)", "Tensor MLP small, float32"]
