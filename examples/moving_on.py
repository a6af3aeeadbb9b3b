"""Moving on: train an MLP here, carry on training it in PyTorch, bring it back,
run it in onnxruntime from an ONNX file and save it as safetensors.

Teaches: a network is its layers and their weights, nothing more. nn.to_torch
builds the same stack in PyTorch (our Linear weight is (in, out) for X @ W + b,
PyTorch's is (out, in) for x @ W.T + b, so each weight is transposed), PyTorch's
optimizer continues from where ours stopped, and nn.from_torch brings the
result home with identical predictions. nn.export_onnx writes the inference
graph for any ONNX runtime; nn.save(model, "....safetensors") writes the weights
in Hugging Face's format. Needs torch, onnx and onnxruntime
(pip install "chainrule[torch,onnx,safetensors]" onnxruntime).
"""

import argparse
from pathlib import Path

import numpy as np

import nn


def accuracy_here(model, X, y):
    """Share of rows of X whose arg-max logit is the label, by our model in eval mode."""
    return float(nn.accuracy(model.eval()(X), y))


def train_in_torch(net, X, y, epochs, batch_size, lr, seed):
    """Minibatch Adam on the cross-entropy, in PyTorch; returns the last epoch's mean loss."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    X_all, y_all = torch.from_numpy(X), torch.from_numpy(y)
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    net.train()
    for _ in range(epochs):
        losses = []
        for rows in torch.randperm(len(X_all), generator=generator).split(batch_size):
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(X_all[rows]), y_all[rows])
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return float(np.mean(losses)) if epochs else float("nan")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="random seed for data, weights and shuffling (default 0)")
    parser.add_argument("--samples", type=int, default=500, help="number of points (default 500)")
    parser.add_argument("--epochs", type=int, default=5, help="epochs trained here first (default 5)")
    parser.add_argument("--torch-epochs", type=int, default=40, help="epochs trained on in PyTorch (default 40)")
    parser.add_argument("--output-dir", type=Path, default=Path(__file__).resolve().parent / "output",
                        help="where moons.onnx and moons.safetensors are written (default examples/output)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    import onnxruntime
    import torch

    X, y = nn.data.make_moons(args.samples, noise=0.2, rng=args.seed)
    X_train, X_val, y_train, y_val = nn.data.train_test_split(X, y, test_size=0.25, rng=args.seed)
    model = nn.MLP([2, 16, 16, 2], rng=args.seed)
    nn.fit(model, nn.CrossEntropyLoss(), nn.optim.Adam(model.parameters(), lr=0.01), X_train, y_train,
           epochs=args.epochs, batch_size=32, rng=args.seed)
    before = accuracy_here(model, X_val, y_val)
    print(f"here: validation accuracy {before:.1%} after {args.epochs} epochs")

    net = nn.to_torch(model)
    print(f"in PyTorch:\n{net}")
    with torch.no_grad():
        gap = np.abs(net.eval()(torch.from_numpy(X_val)).numpy() - model(X_val).data).max()
    print(f"same logits on both sides: max |difference| {gap:.1e}")
    loss = train_in_torch(net, X_train, y_train, args.torch_epochs, 32, 0.01, args.seed)
    net.eval()
    with torch.no_grad():
        in_torch = float((net(torch.from_numpy(X_val)).argmax(dim=1).numpy() == y_val).mean())
    print(f"PyTorch: validation accuracy {in_torch:.1%} after {args.torch_epochs} more epochs (loss {loss:.4f})")

    model = nn.from_torch(net)
    back = accuracy_here(model, X_val, y_val)

    onnx_path = nn.export_onnx(model, args.output_dir / "moons.onnx", example_input=X_val[:1])
    session = onnxruntime.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    onnx_gap = np.abs(session.run(None, {"input": X_val})[0] - model(X_val).data).max()
    print(f"ONNX graph written to {onnx_path}")

    weights_path = nn.save(model, args.output_dir / "moons.safetensors")
    reloaded = nn.load(nn.MLP([2, 16, 16, 2]), weights_path)
    assert accuracy_here(reloaded, X_val, y_val) == back
    print(f"weights written to {weights_path}")
    print(f"moving on: validation accuracy {before:.1%} here, {in_torch:.1%} after {args.torch_epochs} more epochs "
          f"in PyTorch, {back:.1%} back here; onnxruntime agrees to {onnx_gap:.1e}")


if __name__ == "__main__":
    main()
