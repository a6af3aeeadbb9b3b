"""Importing nn and using it without the bridges imports none of the optional packages."""

import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def test_importing_nn_imports_no_optional_package(tmp_path):
    code = (
        "import sys, numpy as np, nn\n"
        "model = nn.MLP([2, 3, 1], rng=0)\n"
        "nn.save(model, 'w.npz'); nn.load(model, 'w.npz'); model(np.zeros((1, 2)))\n"
        "print(sorted(name for name in ('torch', 'onnx', 'onnxruntime', 'safetensors') if name in sys.modules))\n"
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPOSITORY), env.get("PYTHONPATH")]))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path,
                            check=True)
    assert result.stdout.strip() == "[]"
