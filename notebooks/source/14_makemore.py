# %% [markdown]
# # 14 · makemore: a character-level language model of names
#
# Andrej Karpathy's *makemore* lectures teach language modelling on one small
# data set: 32,033 first names. A model that has read them should be able to
# make up new ones that sound like names. This notebook follows the lectures'
# arc with chainrule:
#
# 1. a **bigram** model by counting, and the loss it reaches;
# 2. the **MLP** of the lectures: each of 3 context characters embedded in 10
#    numbers (`nn.Embedding`), joined, `Linear` → `BatchNorm1d` → tanh →
#    `Linear`, cross-entropy, SGD; trained to a dev loss under 2.2;
# 3. **sampling** names from it;
# 4. the **diagnostics** the lecture draws by hand: tanh saturation and
#    update-to-data ratios, then the same from `fit(monitor=True)`;
# 5. **backprop ninja**: every intermediate's gradient written by hand and
#    checked against the engine's with `autograd.compare_grads`, and the
#    backward pass watched step by step with `backward_steps`.
#
# Coming from the lectures' PyTorch code? [`docs/from_pytorch.md`](../docs/from_pytorch.md)
# lists every idiom beside its chainrule form.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

import autograd
import nn
import nn.functional as F
from autograd import Tensor, no_grad

plt.rcParams.update({"figure.figsize": (6, 3.5), "figure.dpi": 80})
rng = np.random.default_rng(42)

names = nn.data.load_names()
characters = nn.data.Characters(names)
print(len(names), "names, e.g.", names[:8])
print(len(characters), "characters:", "".join(characters.itos), "('.' marks a name's start and end)")

# %% [markdown]
# ## 1 · Bigrams: counting which character follows which
#
# Wrap each name in `.`s (`.emma.`) and count every pair of neighbours in a
# 27 × 27 table `N`. Row *i*, normalised, is the model's distribution of the
# character after *i*. Adding 1 to every count ("smoothing") keeps a pair never
# seen from having probability 0 and a loss of ∞.
#
# The loss is the **mean negative log-likelihood** of the data: the average of
# −log P(next | previous) over every pair. Guessing uniformly gives ln 27 ≈ 3.30.

# %%
N = np.zeros((27, 27), dtype=np.int64)
for name in names:
    indices = [0, *characters.encode(name), 0]
    for first, second in zip(indices, indices[1:]):
        N[first, second] += 1

P = (N + 1) / (N + 1).sum(axis=1, keepdims=True)
pairs = [(a, b) for name in names for a, b in zip([0, *characters.encode(name)], [*characters.encode(name), 0])]
first, second = np.array(pairs).T
bigram_loss = -np.log(P[first, second]).mean()
print(f"{len(pairs)} pairs; bigram loss {bigram_loss:.4f} (uniform guess {np.log(27):.4f})")

figure, axis = plt.subplots(figsize=(6, 6))
axis.imshow(N, cmap="Blues")
axis.set_xticks(range(27), characters.itos, fontsize=7)
axis.set_yticks(range(27), characters.itos, fontsize=7)
axis.set_xlabel("next character")
axis.set_ylabel("character")
axis.set_title("bigram counts N", fontsize=10)
plt.show()

# %% [markdown]
# Sampling: start at `.`, draw the next character from row `P[.]` with
# `rng.choice` (PyTorch's `torch.multinomial`), repeat until `.` comes again.
# A bigram sees one character of context, and it shows.

# %%
def sample_bigram(rng):
    index, letters = 0, []
    while True:
        index = rng.choice(27, p=P[index])
        if index == 0:
            return characters.decode(letters)
        letters.append(index)


print([sample_bigram(rng) for _ in range(10)])

# %% [markdown]
# The same table can be *learned*: a single `Linear(27, 27)` layer on one-hot
# inputs, softmax, cross-entropy, plain gradient descent on all 228,146 pairs at
# once. Its logits become log-counts, and its loss approaches the counts'.

# %%
X_onehot = nn.data.one_hot(first, 27)
bigram_net = nn.Linear(27, 27, bias=False, init="normal", rng=0)
for step in range(60):
    loss = F.cross_entropy(bigram_net(X_onehot), second)
    bigram_net.weight.grad = None
    loss.backward()
    with no_grad():
        bigram_net.weight -= 50 * bigram_net.weight.grad
print(f"learned bigram loss after 60 steps: {loss.item():.4f} (counts: {bigram_loss:.4f})")

# %% [markdown]
# ## 2 · The MLP: three characters of context
#
# `Characters.windows` turns names into training examples: each row of `X` is
# the indices of the 3 characters before the one in `y`. The names are shuffled
# and split 80 / 10 / 10 into training, dev and test sets (the dev set chooses
# settings; the test set is kept for the end).

# %%
order = rng.permutation(len(names))
shuffled = [names[index] for index in order]
cut1, cut2 = int(0.8 * len(names)), int(0.9 * len(names))
X_train, y_train = characters.windows(shuffled[:cut1], context=3)
X_dev, y_dev = characters.windows(shuffled[cut1:cut2], context=3)
X_test, y_test = characters.windows(shuffled[cut2:], context=3)
print("training", X_train.shape, "dev", X_dev.shape, "test", X_test.shape)
print("emma ->", [(characters.decode(row), characters.itos[target])
                  for row, target in zip(*characters.windows(["emma"], context=3))])

# %% [markdown]
# The network: `nn.Embedding(27, 10)` looks up a row of 10 numbers per
# character (the lecture's `C[X]`), `nn.Flatten()` joins the three rows into
# 30, then `Linear(30, 200)` without a bias (BatchNorm's own bias replaces it),
# `BatchNorm1d(200)` (normalise each unit over the batch, then scale and shift
# by learned `weight` and `bias`), tanh, and `Linear(200, 27)` for the logits.
# The last layer starts small (`*= 0.1`, in place under `no_grad()`): the first
# predictions are then nearly uniform and the first loss is near ln 27, not a
# confident wrong guess.

# %%
def make_model(rng):
    model = nn.Sequential(
        nn.Embedding(27, 10, rng=rng),
        nn.Flatten(),
        nn.Linear(30, 200, bias=False, rng=rng),
        nn.BatchNorm1d(200),
        nn.Tanh(),
        nn.Linear(200, 27, rng=rng),
    )
    with no_grad():
        model[-1].weight *= 0.1
    return model


model = make_model(rng)
print(model)
print(sum(p.numel() for p in model.parameters()), "parameters:",
      [(name, p.shape) for name, p in model.named_parameters()])
with no_grad():
    print(f"loss before training: {F.cross_entropy(model(X_train[:1000]), y_train[:1000]).item():.4f}")

# %% [markdown]
# The lectures' loop, written out: a random minibatch of 32 windows, the loss,
# `backward()`, and `p -= lr * p.grad` in place under `no_grad()`; lr 0.1, then
# 0.01 for the last quarter. Every 100 steps it also records the lecture's
# **update-to-data ratio** of each weight, log₁₀(lr · std(grad) / std(data)):
# how much a step moves a parameter relative to its size (the lecture's rule of
# thumb: about −3).

# %%
STEPS = 25_000
parameters = model.parameters()
weights = [(name, p) for name, p in model.named_parameters() if p.ndim == 2]
losses, ratios = np.empty(STEPS), {name: [] for name, _ in weights}
start = time.process_time()
for step in range(STEPS):
    rows = rng.integers(0, len(X_train), 32)
    loss = F.cross_entropy(model(X_train[rows]), y_train[rows])
    for p in parameters:
        p.grad = None
    loss.backward()
    lr = 0.1 if step < 0.75 * STEPS else 0.01
    with no_grad():
        for p in parameters:
            p -= lr * p.grad
    losses[step] = loss.item()
    if step % 100 == 0:
        for name, p in weights:
            ratios[name].append(np.log10(lr * p.grad.std() / p.data.std()))
training_seconds = time.process_time() - start
print(f"{STEPS} steps in {training_seconds:.1f} s of CPU time ({1e3 * training_seconds / STEPS:.2f} ms a step)")

# %% [markdown]
# To evaluate, BatchNorm switches to its running mean and variance (`model.eval()`):
# a prediction must not depend on which other examples share its batch.

# %%
@no_grad()
def split_loss(X, y, chunk=10_000):
    model.eval()
    total = sum(F.cross_entropy(model(X[i:i + chunk]), y[i:i + chunk], reduction="sum").item()
                for i in range(0, len(X), chunk))
    model.train()
    return total / len(X)


train_loss, dev_loss = split_loss(X_train, y_train), split_loss(X_dev, y_dev)
print(f"training loss {train_loss:.4f}, dev loss {dev_loss:.4f} (bigram {bigram_loss:.4f})")
assert dev_loss <= 2.2

figure, axis = plt.subplots()
axis.plot(np.convolve(losses, np.ones(250) / 250, mode="valid"), label="minibatch loss, mean of 250 steps")
axis.axhline(dev_loss, color="tab:red", linestyle="--", label=f"dev loss {dev_loss:.3f}")
axis.axhline(bigram_loss, color="gray", linestyle=":", label=f"bigram {bigram_loss:.3f}")
axis.set_xlabel("step")
axis.set_ylabel("cross-entropy")
axis.legend(fontsize=8)
plt.show()

# %% [markdown]
# ## 3 · Making up names
#
# Start from `...`, let the model give the distribution of the next
# character (softmax of the logits, in eval mode), draw one, slide the window,
# stop at `.`. The made-up names are closer to names than the bigram's.

# %%
@no_grad()
def sample_name(rng):
    model.eval()
    window, letters = [0, 0, 0], []
    while True:
        probabilities = model(np.array([window])).softmax(axis=-1).numpy()[0]
        index = int(rng.choice(27, p=probabilities))
        if index == 0:
            model.train()
            return characters.decode(letters)
        letters.append(index)
        window = [*window[1:], index]


made_up = [sample_name(rng) for _ in range(15)]
print(made_up)
print("already in the data:", sorted(set(made_up) & set(names)))

# %% [markdown]
# ## 4 · Looking inside: saturation and update ratios
#
# **tanh saturation.** Where |tanh| is near 1 its derivative 1 − tanh² is near 0
# and the unit passes almost no gradient back. The lecture plots the histogram of
# the tanh outputs on a batch and the share above 0.97. With BatchNorm before
# it, the pre-activations stay near unit variance and few units saturate.
#
# **Update-to-data ratios** (recorded during training above): a weight whose
# ratio sits far below −3 learns too slowly, far above it too fast. The drop at
# three quarters is the learning rate going from 0.1 to 0.01.

# %%
tanh_outputs = []
handle = model[4].register_forward_hook(lambda module, inputs, output: tanh_outputs.append(output.numpy()))
with no_grad():
    model(X_train[rng.integers(0, len(X_train), 32)])
handle.remove()
activations = tanh_outputs[0]
saturated = np.mean(np.abs(activations) > 0.97)

figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.5))
left.hist(activations.ravel(), bins=50)
left.set_title(f"tanh outputs: mean {activations.mean():+.2f}, std {activations.std():.2f}, "
               f"saturated {saturated:.1%}", fontsize=9)
for name, values in ratios.items():
    right.plot(np.arange(len(values)) * 100, values, label=name)
right.axhline(-3, color="gray", linestyle=":")
right.set_title("update-to-data ratio, log10(lr·std(grad)/std(data))", fontsize=9)
right.set_xlabel("step")
right.legend(fontsize=8)
plt.show()

# %% [markdown]
# `fit(..., monitor=True)` keeps figures of the same kind per epoch, for every
# parameter and activation module, and `History.plot_health()` draws them: the
# gradient norm per layer, the update ratio ‖Δθ‖/‖θ‖ of each weight, and the
# share of tanh units that stayed saturated through the epoch. One epoch of a
# fresh model, batch 32:

# %%
fresh = make_model(np.random.default_rng(0))
history = nn.fit(fresh, nn.CrossEntropyLoss(), nn.optim.SGD(fresh.parameters(), lr=0.1), X_train, y_train,
                 epochs=1, batch_size=32, val=(X_dev, y_dev), metrics=(), rng=0, progress=False, monitor=True)
print(f"after one epoch ({len(X_train) // 32 + 1} steps): dev loss {history['val_loss'][-1]:.4f}")
for name, record in history.layers.items():
    print(f"{name:10s} grad norm {record['grad_norm'][-1]:.4f}  update ratio {record['update_ratio'][-1]:.2e}")
history.plot_health()

# %% [markdown]
# ## 5 · Backprop ninja
#
# The lecture's exercise: write the forward pass in atomic steps, then the
# gradient of the loss with respect to **every** intermediate by hand, and
# check each against the engine. In chainrule every node keeps its `grad` after
# `backward()` (no `retain_grad()` needed), so the check is one call:
# `autograd.compare_grads({name: (your_gradient, node)})` prints whether each is
# bitwise exact, close, and the largest difference.
#
# A fresh network with a hidden bias `b1` and a BatchNorm written out (the
# lecture's Bessel-corrected batch variance, n − 1), on one batch of 32:

# %%
n = 32
r = np.random.default_rng(1)
rows = r.integers(0, len(X_train), n)
Xb, Yb = X_train[rows], y_train[rows]
C = Tensor(r.standard_normal((27, 10)), requires_grad=True)
W1 = Tensor(r.standard_normal((30, 64)) * (5 / 3) / 30**0.5, requires_grad=True)
b1 = Tensor(r.standard_normal(64) * 0.1, requires_grad=True)
W2 = Tensor(r.standard_normal((64, 27)) * 0.1, requires_grad=True)
b2 = Tensor(r.standard_normal(27) * 0.1, requires_grad=True)
bngain = Tensor(1 + 0.1 * r.standard_normal(64), requires_grad=True)
bnbias = Tensor(0.1 * r.standard_normal(64), requires_grad=True)

emb = C[Xb]                                   # (32, 3, 10)
embcat = emb.view(n, -1)                      # (32, 30)
hprebn = embcat @ W1 + b1                     # (32, 64)
bnmeani = hprebn.sum(0, keepdims=True) / n
bndiff = hprebn - bnmeani
bndiff2 = bndiff ** 2
bnvar = bndiff2.sum(0, keepdims=True) / (n - 1)
bnvar_inv = (bnvar + 1e-5) ** -0.5
bnraw = bndiff * bnvar_inv
hpreact = bngain * bnraw + bnbias
h = hpreact.tanh()
logits = h @ W2 + b2                          # (32, 27)
logit_maxes = logits.max(1, keepdims=True)    # for stability; its gradient is 0 in the end
norm_logits = logits - logit_maxes
counts = norm_logits.exp()
counts_sum = counts.sum(1, keepdims=True)
counts_sum_inv = counts_sum ** -1
probs = counts * counts_sum_inv
logprobs = probs.log()
loss = -logprobs[np.arange(n), Yb].mean()
loss.backward()
print(f"loss {loss.item():.4f}")

# %% [markdown]
# Backwards through the same lines, each step one rule of the chain: a sum
# broadcasts its gradient back, a broadcast sums it, a product multiplies by
# the other factor, `tanh` by 1 − tanh², a matrix product by the other matrix
# transposed, and an embedding lookup adds each row's gradient into the row of
# `C` it came from (`np.add.at`: a character used twice gets both).

# %%
v = {name: node.data for name, node in dict(
    probs=probs, counts=counts, counts_sum=counts_sum, counts_sum_inv=counts_sum_inv, logits=logits, h=h,
    W2=W2, bnraw=bnraw, bngain=bngain, bnvar=bnvar, bnvar_inv=bnvar_inv, bndiff=bndiff, W1=W1,
    embcat=embcat, emb=emb).items()}

dlogprobs = np.zeros((n, 27))
dlogprobs[np.arange(n), Yb] = -1.0 / n
dprobs = dlogprobs / v["probs"]
dcounts_sum_inv = (v["counts"] * dprobs).sum(1, keepdims=True)
dcounts = v["counts_sum_inv"] * dprobs
dcounts_sum = -v["counts_sum"] ** -2 * dcounts_sum_inv
dcounts = dcounts + dcounts_sum                       # counts feeds probs and counts_sum: the paths add
dnorm_logits = v["counts"] * dcounts
dlogit_maxes = -dnorm_logits.sum(1, keepdims=True)
dlogits = dnorm_logits + nn.data.one_hot(v["logits"].argmax(1), 27) * dlogit_maxes
dh = dlogits @ v["W2"].T
dW2 = v["h"].T @ dlogits
db2 = dlogits.sum(0)
dhpreact = (1 - v["h"] ** 2) * dh
dbngain = (v["bnraw"] * dhpreact).sum(0)
dbnbias = dhpreact.sum(0)
dbnraw = v["bngain"] * dhpreact
dbnvar_inv = (v["bndiff"] * dbnraw).sum(0, keepdims=True)
dbnvar = -0.5 * (v["bnvar"] + 1e-5) ** -1.5 * dbnvar_inv
dbndiff2 = np.ones((n, 64)) / (n - 1) * dbnvar
dbndiff = v["bnvar_inv"] * dbnraw + 2 * v["bndiff"] * dbndiff2
dbnmeani = -dbndiff.sum(0, keepdims=True)
dhprebn = dbndiff + dbnmeani / n
dembcat = dhprebn @ v["W1"].T
dW1 = v["embcat"].T @ dhprebn
db1 = dhprebn.sum(0)
demb = dembcat.reshape(v["emb"].shape)
dC = np.zeros((27, 10))
np.add.at(dC, Xb, demb)

check = autograd.compare_grads({
    "logprobs": (dlogprobs, logprobs), "probs": (dprobs, probs), "counts_sum_inv": (dcounts_sum_inv, counts_sum_inv),
    "counts_sum": (dcounts_sum, counts_sum), "counts": (dcounts, counts), "norm_logits": (dnorm_logits, norm_logits),
    "logit_maxes": (dlogit_maxes, logit_maxes), "logits": (dlogits, logits), "h": (dh, h), "W2": (dW2, W2),
    "b2": (db2, b2), "hpreact": (dhpreact, hpreact), "bngain": (dbngain, bngain), "bnbias": (dbnbias, bnbias),
    "bnraw": (dbnraw, bnraw), "bnvar_inv": (dbnvar_inv, bnvar_inv), "bnvar": (dbnvar, bnvar),
    "bndiff2": (dbndiff2, bndiff2), "bndiff": (dbndiff, bndiff), "bnmeani": (dbnmeani, bnmeani),
    "hprebn": (dhprebn, hprebn), "embcat": (dembcat, embcat), "W1": (dW1, W1), "b1": (db1, b1),
    "emb": (demb, emb), "C": (dC, C),
})
print(check)
assert check.all_close
print(f"logit_maxes' gradient is {np.abs(dlogit_maxes).max():.1e}: subtracting the max changes no probability")

# %% [markdown]
# The lecture's second and third exercises collapse whole stretches into one
# formula each. Softmax followed by cross-entropy: ∂loss/∂logits = (softmax −
# one-hot)/n (the notes' Ŷ − Y). BatchNorm, from `hpreact`'s gradient straight
# to `hprebn`'s (with the n − 1 of the variance above):
#
# $$\frac{\partial L}{\partial x} = \frac{\gamma\,\hat\sigma^{-1}}{n}\Big(n\,g - \textstyle\sum g
#   - \frac{n}{n-1}\,\hat x \sum g\,\hat x\Big)$$
#
# where g = ∂L/∂hpreact, x̂ = bnraw and γ = bngain.

# %%
softmax = np.exp(v["logits"] - v["logits"].max(1, keepdims=True))
softmax /= softmax.sum(1, keepdims=True)
dlogits_fast = (softmax - nn.data.one_hot(Yb, 27)) / n
dhprebn_fast = v["bngain"] * v["bnvar_inv"] / n * (
    n * dhpreact - dhpreact.sum(0) - n / (n - 1) * v["bnraw"] * (dhpreact * v["bnraw"]).sum(0))
print(autograd.compare_grads({"logits (one formula)": (dlogits_fast, logits),
                              "hprebn (one formula)": (dhprebn_fast, hprebn)}))

# %% [markdown]
# ## Watching the backward pass
#
# `backward_steps` runs the same backward pass and records each rule as it runs:
# the node, the gradient arriving from the loss, and what each parent receives.
# On a tiny batch of 4 windows and a hidden layer of 8 units the whole graph of
# the MLP fits on screen; in Jupyter, `steps` shows the step-through viewer.

# %%
tiny = nn.Sequential(nn.Embedding(27, 4, rng=0), nn.Flatten(), nn.Linear(12, 8, bias=False, rng=0),
                     nn.BatchNorm1d(8), nn.Tanh(), nn.Linear(8, 27, rng=0))
tiny_loss = F.cross_entropy(tiny(X_train[:4]), y_train[:4])
steps = autograd.backward_steps(tiny_loss, model=tiny)
print(steps)
print("\n".join(steps.text().splitlines()[:12]))
steps
