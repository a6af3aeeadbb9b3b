# %% [markdown]
# # 12 · Convolution: a CNN on 8×8 digits
#
# An MLP treats an image as a flat list of pixels: move a stroke by one pixel and
# the network sees entirely different inputs. A **convolution** slides one small
# set of weights — a *filter* — over the image, so the same pattern is detected
# wherever it appears, with far fewer weights. In this notebook we
#
# 1. compute a convolution by hand with loops and check `nn.functional.conv2d` against it;
# 2. see what stride and padding do to the output size;
# 3. check its gradients and see where max pooling sends its gradient;
# 4. train a small CNN beside an MLP on scikit-learn's 8×8 handwritten digits, and look at the filters it learns.

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

import nn
import nn.functional as F
from autograd import Tensor, gradcheck

plt.rcParams.update({"figure.figsize": (6, 3.5), "figure.dpi": 80})
SEED = 0
rng = np.random.default_rng(SEED)

# %% [markdown]
# ## What a convolution computes
#
# Images come as a 4-D array in **NCHW** layout: $N$ images, $C$ channels (1 for grey,
# 3 for colour), height $H$, width $W$. A layer with $O$ output channels holds a
# weight $w$ of shape $(O, C, k_h, k_w)$ — one $k_h \times k_w$ filter per pair of
# output and input channel — and a bias $b$ of shape $(O,)$. Output pixel $(i, j)$
# of channel $o$ is the filter laid over the window at $(i, j)$, multiplied
# elementwise and summed:
#
# $$\text{out}[n, o, i, j] = b_o + \sum_{c} \sum_{p=0}^{k_h-1} \sum_{q=0}^{k_w-1} w[o, c, p, q]\; x[n, c, i + p, j + q].$$
#
# (Strictly this is a *cross-correlation*; a mathematician's convolution flips the
# filter. Deep-learning libraries, PyTorch and this one included, compute the
# formula above and call it convolution.) Written as loops:

# %%
def conv2d_loops(x, w, b):
    """The formula above, one output pixel at a time (stride 1, no padding)."""
    n, _, h, wd = x.shape
    o, _, kh, kw = w.shape
    out = np.zeros((n, o, h - kh + 1, wd - kw + 1))
    for a in range(n):
        for f in range(o):
            for i in range(h - kh + 1):
                for j in range(wd - kw + 1):
                    out[a, f, i, j] = b[f] + np.sum(w[f] * x[a, :, i:i + kh, j:j + kw])
    return out


x = rng.standard_normal((2, 3, 6, 5))  # 2 images, 3 channels, 6x5 pixels
w = rng.standard_normal((4, 3, 3, 3))  # 4 filters over 3 channels, 3x3 each
b = rng.standard_normal(4)
library = F.conv2d(Tensor(x), Tensor(w), Tensor(b)).data
print("output shape:", library.shape)
print("largest difference from the loops:", np.abs(library - conv2d_loops(x, w, b)).max())

# %% [markdown]
# The library does not loop over pixels. It reads the image through $k_h k_w$
# strided slices — slice $(p, q)$ holds element $(p, q)$ of every window —
# stacks them into a matrix with one column per window (*im2col*), and multiplies
# by the filters reshaped to $(O, C k_h k_w)$ in one matmul. Slices, stack and
# matmul are ordinary autograd ops, so no derivative of the convolution is
# written anywhere: the engine differentiates the pieces.
#
# ## Stride and padding
#
# **Stride** $s$ moves the window $s$ pixels at a time; **padding** $p$ adds $p$
# rows and columns of zeros around the image first. Along one axis the output has
#
# $$H_\text{out} = \left\lfloor \frac{H + 2p - k}{s} \right\rfloor + 1$$
#
# pixels. Padding $p = (k - 1)/2$ with stride 1 keeps the size ("same" padding);
# stride 2 halves it.

# %%
image = Tensor(rng.standard_normal((1, 1, 8, 8)))
kernel = Tensor(rng.standard_normal((1, 1, 3, 3)))
for stride, padding in [(1, 0), (1, 1), (2, 0), (2, 1)]:
    out = F.conv2d(image, kernel, stride=stride, padding=padding)
    formula = (8 + 2 * padding - 3) // stride + 1
    print(f"stride {stride}, padding {padding}: output {out.shape[2]}x{out.shape[3]}, formula {formula}")

# %% [markdown]
# A filter is a pattern detector. On a handwritten digit, a filter that subtracts
# the left column from the right one responds to vertical edges, and its transpose
# to horizontal ones:

# %%
digits = load_digits()
zero = Tensor(digits.images[0][None, None] / 16.0)  # one image as (1, 1, 8, 8)
vertical = np.array([[-1.0, 0.0, 1.0]] * 3)
edges = Tensor(np.stack([vertical, vertical.T])[:, None])  # 2 filters: (2, 1, 3, 3)
responses = F.conv2d(zero, edges, padding=1).data[0]

figure, axes = plt.subplots(1, 3, figsize=(7, 2.6))
panels = [(zero.data[0, 0], "the digit 0"), (responses[0], "vertical-edge filter"),
          (responses[1], "horizontal-edge filter")]
limit = np.abs(responses).max()
for axis, (picture, title) in zip(axes, panels):
    if title.startswith("the"):
        axis.imshow(picture, cmap="gray")
    else:  # red < 0 < blue: the edge's sign says dark-to-light or light-to-dark
        axis.imshow(picture, cmap="RdBu", vmin=-limit, vmax=limit)
    axis.set_title(title, fontsize=9)
    axis.set_axis_off()
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Gradients, and where max pooling sends them
#
# `gradcheck` compares the engine's derivatives of a convolution, with stride and
# padding, against central finite differences — for the image, the filters and
# the bias at once:

# %%
small_x = rng.standard_normal((1, 2, 5, 5))
small_w = rng.standard_normal((3, 2, 3, 3))
small_b = rng.standard_normal(3)
print(gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1), small_x, small_w, small_b))

# %% [markdown]
# **Max pooling** keeps the largest value of each window (2×2 windows side by side
# halve the height and width). Its derivative is 1 for the element that was kept
# and 0 for the others. When several elements tie — common after a ReLU, which
# makes many zeros — PyTorch sends the window's gradient to *one* of them, the
# first; `nn.MaxPool2d` does the same (autograd's `max` would split it evenly):

# %%
x = Tensor(np.array([[[[0.0, 0.0, 1.0, 3.0],
                       [0.0, 0.0, 3.0, 2.0]]]]), requires_grad=True)
pooled = nn.MaxPool2d(2)(x)
pooled.sum().backward()
print("pooled:", pooled.data.ravel())
print("gradient:\n", x.grad[0, 0])

# %% [markdown]
# ## A CNN beside an MLP on 8×8 digits
#
# scikit-learn ships 1,797 8×8 grey images of handwritten digits (no download).
# We scale them to $[0, 1]$, keep them as $(N, 1, 8, 8)$ for the CNN, flatten them
# to $(N, 64)$ for the MLP, and train both with Adam on the same split, batches and
# epochs. The CNN: two stages of 3×3 convolution (padding 1) + ReLU + 2×2 max
# pooling, 8 then 16 channels, so 8×8 → 4×4 → 2×2; then `Flatten` and one linear
# layer to ten logits.

# %%
images = (digits.images / 16.0)[:, None]
X_train, X_test, y_train, y_test = nn.data.train_test_split(images, digits.target, test_size=0.2, rng=SEED)

model_rng = np.random.default_rng(SEED)
cnn = nn.Sequential(
    nn.Conv2d(1, 8, 3, padding=1, rng=model_rng), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(8, 16, 3, padding=1, rng=model_rng), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(16 * 2 * 2, 10, rng=model_rng),
)
mlp = nn.MLP([64, 64, 10], rng=SEED)
print(cnn)
for name, model in [("CNN", cnn), ("MLP", mlp)]:
    print(f"{name}: {sum(p.size for p in model.parameters())} parameters")

# %%
def train(model, X_train, X_test, epochs=10):
    optimizer = nn.optim.Adam(model.parameters(), lr=0.01)
    return nn.fit(model, nn.CrossEntropyLoss(), optimizer, X_train, y_train, epochs=epochs, batch_size=32,
                  val=(X_test, y_test), rng=SEED, progress=False)


histories = {
    "CNN": train(cnn, X_train, X_test),
    "MLP": train(mlp, X_train.reshape(-1, 64), X_test.reshape(-1, 64)),
}
for name, history in histories.items():
    print(f"{name}: test accuracy {history['val_accuracy'][-1]:.1%}")

plt.figure()
for name, history in histories.items():
    plt.plot(range(1, history.epochs + 1), history["val_accuracy"], marker="o", markersize=3, label=name)
plt.xlabel("epoch")
plt.ylabel("test accuracy")
plt.title("8×8 digits: CNN vs MLP")
plt.legend()
plt.show()

# %% [markdown]
# On images this small the two end up close: 8×8 leaves little room for a pattern to
# move, which is where a convolution's weight sharing pays off. The CNN gets there
# with fewer than half the MLP's parameters. Its first layer's eight filters, and
# what each makes of one test image:

# %%
filters = cnn[0].weight.data[:, 0]
with_features = cnn[1](cnn[0](Tensor(X_test[:1]))).data[0]  # ReLU(conv) of one test image: (8, 8, 8)

figure, axes = plt.subplots(2, 8, figsize=(9, 2.8))
for k in range(8):
    limit = np.abs(filters[k]).max()
    axes[0, k].imshow(filters[k], cmap="RdBu", vmin=-limit, vmax=limit)
    axes[0, k].set_title(f"filter {k}", fontsize=8)
    axes[1, k].imshow(with_features[k], cmap="gray")
for axis in axes.ravel():
    axis.set_axis_off()
figure.suptitle(f"top: learned 3×3 filters (red < 0 < blue); bottom: their ReLU maps of a test '{y_test[0]}'",
                fontsize=9)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Summary
#
# - A convolution is a small filter slid over the image: a weighted sum of each window,
#   the same weights everywhere. `nn.functional.conv2d` matches the loops exactly.
# - Output size $\lfloor (H + 2p - k)/s \rfloor + 1$ along each axis.
# - The layers (`Conv2d`, `MaxPool2d`, `AvgPool2d`, `Flatten`) are compositions of
#   autograd ops, so their gradients — first and second order — come from the engine
#   and pass `gradcheck`.
# - Max pooling routes each window's gradient to one maximum, as PyTorch does.
