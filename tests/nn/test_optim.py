"""nn.optim: each update rule step for step against the course notes / the published algorithm, in numpy."""

import math

import numpy as np
import pytest

from autograd import Tensor, Value
from nn import Parameter
from nn.optim import SGD, Adam, AdamW, CosineAnnealingLR, ExponentialLR, RMSprop, StepLR

# A quadratic bowl L(θ) = ½ θᵀAθ − bᵀθ, gradient Aθ − b, ill-conditioned enough to tell rules apart.
A = np.array([[3.0, 0.5, 0.0], [0.5, 1.0, 0.2], [0.0, 0.2, 0.3]])
B = np.array([1.0, -2.0, 0.5])
THETA0 = np.array([1.0, 2.0, -1.0])
STEPS = 8


def gradient(theta):
    return A @ theta - B


def optimizer_trajectory(make_optimizer, steps=STEPS):
    """The parameter after each step, the gradient written into ``.grad`` by hand (no backward needed)."""
    parameter = Parameter(THETA0.copy())
    optimizer = make_optimizer([parameter])
    trajectory = []
    for _ in range(steps):
        parameter.grad = gradient(parameter.data)
        optimizer.step()
        trajectory.append(parameter.data.copy())
    return np.array(trajectory), optimizer


# --- each rule against its formula ---------------------------------------------------------


def test_sgd_steps_against_the_gradient():
    trajectory, _ = optimizer_trajectory(lambda params: SGD(params, lr=0.1), steps=1)
    np.testing.assert_allclose(trajectory[0], THETA0 - 0.1 * gradient(THETA0), rtol=1e-15)


def test_momentum_follows_the_notes_velocity_rule_step_for_step():
    alpha, beta = 0.1, 0.9
    theta, velocity, expected = THETA0.copy(), np.zeros(3), []
    for _ in range(STEPS):
        velocity = beta * velocity - alpha * gradient(theta)  # v ← βv − α∇L(θ)
        theta = theta + velocity  # θ ← θ + v
        expected.append(theta)
    trajectory, _ = optimizer_trajectory(lambda params: SGD(params, lr=alpha, momentum=beta))
    np.testing.assert_allclose(trajectory, expected, rtol=1e-13)


def test_nesterov_parameter_holds_the_notes_look_ahead_point():
    alpha, beta = 0.1, 0.9
    theta, velocity, look_ahead, velocities = THETA0.copy(), np.zeros(3), [], []
    for _ in range(STEPS):
        gradient_ahead = gradient(theta + beta * velocity)  # ∇L at θ̃ = θ + βv
        velocity = beta * velocity - alpha * gradient_ahead
        theta = theta + velocity
        look_ahead.append(theta + beta * velocity)
        velocities.append(velocity)
    trajectory, optimizer = optimizer_trajectory(lambda params: SGD(params, lr=alpha, momentum=beta, nesterov=True))
    np.testing.assert_allclose(trajectory, look_ahead, rtol=1e-12)
    np.testing.assert_allclose(optimizer.state[0]["velocity"], velocities[-1], rtol=1e-12)
    # the notes' θ is recovered from the stored look-ahead point as φ − βv
    np.testing.assert_allclose(trajectory[-1] - beta * optimizer.state[0]["velocity"], theta, rtol=1e-12)


def test_nesterov_differs_from_plain_momentum():
    momentum, _ = optimizer_trajectory(lambda params: SGD(params, lr=0.1, momentum=0.9))
    nesterov, _ = optimizer_trajectory(lambda params: SGD(params, lr=0.1, momentum=0.9, nesterov=True))
    assert np.abs(momentum - nesterov).max() > 1e-2


def test_sgd_weight_decay_adds_lambda_theta_to_the_gradient():
    trajectory, _ = optimizer_trajectory(lambda params: SGD(params, lr=0.1, weight_decay=0.5), steps=1)
    np.testing.assert_allclose(trajectory[0], THETA0 - 0.1 * (gradient(THETA0) + 0.5 * THETA0), rtol=1e-15)


def rmsprop_by_hand(alpha, beta, eps, eps_inside_root=False):
    theta, square_average, expected = THETA0.copy(), np.zeros(3), []
    for _ in range(STEPS):
        g = gradient(theta)
        square_average = beta * square_average + (1 - beta) * g * g  # s ← βs + (1 − β)∇∘∇
        denominator = np.sqrt(square_average + eps) if eps_inside_root else np.sqrt(square_average) + eps
        theta = theta - alpha * g / denominator  # θ ← θ − α∇/(√s + ε)
        expected.append(theta)
    return np.array(expected)


def test_rmsprop_follows_the_notes_rule_step_for_step():
    trajectory, _ = optimizer_trajectory(lambda params: RMSprop(params, lr=0.01, alpha=0.9, eps=0.1))
    np.testing.assert_allclose(trajectory, rmsprop_by_hand(0.01, 0.9, 0.1), rtol=1e-13)


def test_rmsprop_adds_eps_outside_the_square_root():
    trajectory, _ = optimizer_trajectory(lambda params: RMSprop(params, lr=0.01, alpha=0.9, eps=0.1))
    assert np.abs(trajectory - rmsprop_by_hand(0.01, 0.9, 0.1, eps_inside_root=True)).max() > 1e-4


def test_rmsprop_defaults_are_the_notes_beta_and_eps():
    optimizer = RMSprop([Parameter(THETA0)], lr=0.01)
    assert (optimizer.alpha, optimizer.eps) == (0.9, 1e-8)


def adam_by_hand(lr, beta1, beta2, eps, weight_decay=0.0, decoupled=False):
    """Kingma & Ba (2015), Algorithm 1; L2 (coupled) or AdamW's decoupled weight decay."""
    theta, m, v, expected = THETA0.copy(), np.zeros(3), np.zeros(3), []
    for t in range(1, STEPS + 1):
        g = gradient(theta)
        if decoupled:
            theta = theta * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * theta
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        expected.append(theta)
    return np.array(expected)


def test_adam_follows_the_published_algorithm():
    trajectory, _ = optimizer_trajectory(lambda params: Adam(params, lr=0.1, betas=(0.8, 0.95), eps=1e-3))
    np.testing.assert_allclose(trajectory, adam_by_hand(0.1, 0.8, 0.95, 1e-3), rtol=1e-13)


def test_adam_weight_decay_enters_the_gradient():
    trajectory, _ = optimizer_trajectory(lambda params: Adam(params, lr=0.1, eps=1e-3, weight_decay=0.3))
    np.testing.assert_allclose(trajectory, adam_by_hand(0.1, 0.9, 0.999, 1e-3, weight_decay=0.3), rtol=1e-13)


def test_adamw_decays_the_weights_apart_from_the_gradient():
    trajectory, _ = optimizer_trajectory(lambda params: AdamW(params, lr=0.1, eps=1e-3, weight_decay=0.3))
    expected = adam_by_hand(0.1, 0.9, 0.999, 1e-3, weight_decay=0.3, decoupled=True)
    np.testing.assert_allclose(trajectory, expected, rtol=1e-12)
    coupled = adam_by_hand(0.1, 0.9, 0.999, 1e-3, weight_decay=0.3)
    assert np.abs(trajectory - coupled).max() > 1e-3


def test_adam_and_adamw_defaults_follow_pytorch():
    adam, adamw = Adam([Parameter(THETA0)]), AdamW([Parameter(THETA0)])
    assert (adam.lr, adam.betas, adam.eps, adam.weight_decay) == (1e-3, (0.9, 0.999), 1e-8, 0.0)
    assert (adamw.lr, adamw.betas, adamw.eps, adamw.weight_decay) == (1e-3, (0.9, 0.999), 1e-8, 1e-2)


# --- every optimizer on a real problem, with backward --------------------------------------

OPTIMIZERS = {
    "sgd": lambda params: SGD(params, lr=0.05),
    "momentum": lambda params: SGD(params, lr=0.05, momentum=0.9),
    "nesterov": lambda params: SGD(params, lr=0.05, momentum=0.9, nesterov=True),
    "rmsprop": lambda params: RMSprop(params, lr=0.05),
    "adam": lambda params: Adam(params, lr=0.05),
    "adamw": lambda params: AdamW(params, lr=0.05),
}


def regression_loss(weight, bias):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((32, 3))
    y = X @ np.array([[1.5], [-2.0], [0.5]]) + 0.3
    return (((Tensor(X) @ weight + bias) - Tensor(y)) ** 2).mean()


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_every_optimizer_decreases_the_loss(name):
    weight, bias = Parameter(np.zeros((3, 1))), Parameter(np.zeros(1))
    optimizer = OPTIMIZERS[name]([weight, bias])
    initial = regression_loss(weight, bias).item()
    for _ in range(60):
        optimizer.zero_grad()
        loss = regression_loss(weight, bias)
        loss.backward()
        optimizer.step()
    assert regression_loss(weight, bias).item() < 0.2 * initial


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_value_parameters_follow_the_same_rule_as_arrays(name):
    values = [Value(float(x)) for x in THETA0]
    optimizer = OPTIMIZERS[name](values)
    trajectory = []
    for _ in range(STEPS):
        for value, g in zip(values, gradient(np.array([v.data for v in values]))):
            value.grad = float(g)
        optimizer.step()
        trajectory.append([value.data for value in values])
    assert all(isinstance(value.data, float) for value in values)
    expected, _ = optimizer_trajectory(OPTIMIZERS[name])
    np.testing.assert_allclose(trajectory, expected, rtol=1e-12)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_value_parameters_descend_with_backward(name):
    x, y = Value(-2.0), Value(1.0)

    def ravine():
        return 0.5 * x**2 + 2.0 * y**2

    optimizer = OPTIMIZERS[name]([x, y])
    initial = ravine().data
    for _ in range(50):
        optimizer.zero_grad()
        ravine().backward()
        optimizer.step()
    assert ravine().data < 0.5 * initial


def test_a_gradient_recorded_with_create_graph_is_read_as_a_number():
    x = Value(2.0)
    (x * x).backward(create_graph=True)
    assert isinstance(x.grad, Value)
    SGD([x], lr=0.1).step()
    assert x.data == pytest.approx(2.0 - 0.1 * 4.0)


# --- how parameters are updated ------------------------------------------------------------


def test_float32_parameters_are_updated_in_place_and_stay_float32():
    parameter = Parameter(np.ones(3, dtype=np.float32))
    view = parameter.data
    parameter.grad = np.full(3, 0.5, dtype=np.float32)
    Adam([parameter], lr=0.1).step()
    assert parameter.data.dtype == np.float32
    np.testing.assert_allclose(view, 0.9, rtol=1e-6)
    np.testing.assert_array_equal(view, parameter.data)


@pytest.mark.filterwarnings("ignore:no gradient:nn.TrainingWarning")
def test_parameters_without_grad_are_skipped_and_keep_their_own_step_count():
    first, second = Parameter(np.array([1.0])), Parameter(np.array([1.0]))
    optimizer = Adam([first, second], lr=0.1)
    for _ in range(3):
        first.grad, second.grad = np.array([2.0]), None
        optimizer.step()
    assert second.data[0] == 1.0
    second.grad = np.array([2.0])
    optimizer.step()
    # a first Adam step moves by lr·g/(|g| + ε), whatever the other parameters did before
    assert second.data[0] == pytest.approx(1.0 - 0.1 * 2.0 / (2.0 + 1e-8), rel=1e-12)


def test_zero_grad_clears_tensor_grads_to_none_and_value_grads_to_zero():
    parameter, value = Parameter(np.ones(2)), Value(1.0)
    parameter.grad, value.grad = np.ones(2), 3.0
    SGD([parameter, value], lr=0.1).zero_grad()
    assert parameter.grad is None and value.grad == 0.0


def test_a_grad_of_the_wrong_shape_is_refused():
    parameter = Parameter(np.ones(3))
    parameter.grad = np.ones(1)
    with pytest.raises(ValueError, match=r"shape \(3,\) has a grad of shape \(1,\)"):
        SGD([parameter], lr=0.1).step()


def test_a_grad_of_the_wrong_shape_after_good_ones_is_refused_before_any_update():
    good, bad = Parameter(np.ones(2)), Parameter(np.ones(3))
    good.grad, bad.grad = np.ones(2), np.ones((3, 1))
    optimizer = SGD([good, bad], lr=0.1)
    with pytest.raises(ValueError, match=r"shape \(3,\) has a grad of shape \(3, 1\)"):
        optimizer.step()
    np.testing.assert_array_equal(good.data, [1.0, 1.0])


def test_a_step_over_tensors_and_values_updates_both_and_marks_the_tensors():
    tensor, value = Parameter(np.ones(2)), Value(1.0)
    tensor.grad, value.grad = np.full(2, 2.0), 3.0
    before = getattr(tensor, "_version", None)
    SGD([tensor, value], lr=0.5).step()
    np.testing.assert_array_equal(tensor.data, [0.0, 0.0])
    assert value.data == -0.5 and tensor._version != before


def test_params_may_be_any_iterable():
    parameter = Parameter(np.ones(2))
    assert SGD((p for p in [parameter]), lr=0.1).params == [parameter]


# --- refused hyperparameters and parameters ------------------------------------------------


def parameters():
    return [Parameter(np.ones(2))]


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: SGD(parameters(), lr=-0.1), ValueError, "lr must be >= 0"),
        (lambda: SGD(parameters(), lr=math.nan), ValueError, "lr must be finite"),
        (lambda: SGD(parameters(), lr="0.1"), TypeError, "lr must be a real number"),
        (lambda: SGD(parameters(), lr=0.1, momentum=1.0), ValueError, r"momentum must be in \[0, 1\)"),
        (lambda: SGD(parameters(), lr=0.1, momentum=-0.5), ValueError, r"momentum must be in \[0, 1\)"),
        (lambda: SGD(parameters(), lr=0.1, nesterov=True), ValueError, "nesterov=True needs a momentum"),
        (lambda: SGD(parameters(), lr=0.1, weight_decay=-1), ValueError, "weight_decay must be >= 0"),
        (lambda: RMSprop(parameters(), lr=0.1, alpha=1.0), ValueError, r"alpha must be in \[0, 1\)"),
        (lambda: RMSprop(parameters(), lr=0.1, eps=0.0), ValueError, "eps must be > 0"),
        (lambda: Adam(parameters(), betas=(1.0, 0.999)), ValueError, r"betas\[0\] must be in \[0, 1\)"),
        (lambda: Adam(parameters(), betas=(0.9, -0.1)), ValueError, r"betas\[1\] must be in \[0, 1\)"),
        (lambda: Adam(parameters(), betas=(0.9, 0.99, 0.9)), ValueError, "betas must be a pair"),
        (lambda: Adam(parameters(), eps=-1e-8), ValueError, "eps must be > 0"),
        (lambda: AdamW(parameters(), weight_decay=-0.01), ValueError, "weight_decay must be >= 0"),
    ],
)
def test_invalid_hyperparameters_are_refused(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_an_empty_parameter_list_is_refused():
    with pytest.raises(ValueError, match="params is empty"):
        SGD([], lr=0.1)


@pytest.mark.parametrize("item", [np.ones(2), 1.5, "w"])
def test_a_non_parameter_in_params_is_a_type_error(item):
    with pytest.raises(TypeError, match=r"params\[1\] is a"):
        Adam([Parameter(np.ones(2)), item])


def test_a_model_instead_of_its_parameters_is_refused_with_a_hint():
    class Model:
        def parameters(self):
            return parameters()

    with pytest.raises(TypeError, match=r"pass model.parameters\(\)"):
        SGD(Model(), lr=0.1)


def test_a_tensor_that_needs_no_grad_is_refused():
    with pytest.raises(ValueError, match="does not require grad"):
        SGD([Tensor(np.ones(2))], lr=0.1)


def test_a_non_leaf_is_refused():
    weight = Parameter(np.ones(2))
    with pytest.raises(ValueError, match="not a leaf"):
        SGD([weight * 2.0], lr=0.1)


def test_a_parameter_listed_twice_is_refused():
    weight = Parameter(np.ones(2))
    with pytest.raises(ValueError, match=r"params\[1\] is the same parameter as params\[0\]"):
        SGD([weight, weight], lr=0.1)


def test_assigning_a_negative_learning_rate_later_is_refused():
    optimizer = SGD(parameters(), lr=0.1)
    with pytest.raises(ValueError, match="lr must be >= 0"):
        optimizer.lr = -1.0
    assert optimizer.lr == 0.1


# --- state_dict ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["momentum", "rmsprop", "adam"])
def test_state_dict_resumes_the_run_exactly(name):
    straight, _ = optimizer_trajectory(OPTIMIZERS[name], steps=6)
    first_half, optimizer = optimizer_trajectory(OPTIMIZERS[name], steps=3)
    saved = optimizer.state_dict()
    parameter = Parameter(first_half[-1])
    resumed = OPTIMIZERS[name]([parameter])
    resumed.load_state_dict(saved)
    for _ in range(3):
        parameter.grad = gradient(parameter.data)
        resumed.step()
    np.testing.assert_allclose(parameter.data, straight[-1], rtol=1e-14)


def test_state_dict_is_a_copy():
    _, optimizer = optimizer_trajectory(OPTIMIZERS["momentum"], steps=2)
    saved = optimizer.state_dict()
    saved["state"][0]["velocity"][:] = 0.0
    assert np.abs(optimizer.state[0]["velocity"]).max() > 0


def test_loading_a_state_for_other_parameters_is_refused_and_changes_nothing():
    _, optimizer = optimizer_trajectory(OPTIMIZERS["adam"], steps=2)
    other = Adam([Parameter(np.ones(5))], lr=0.5)
    with pytest.raises(ValueError, match=r"shape \(3,\).*shape \(5,\)"):
        other.load_state_dict(optimizer.state_dict())
    assert other.lr == 0.5 and other.state == [{}]


# --- schedulers --------------------------------------------------------------------------------


def learning_rates(make_scheduler, epochs, lr=1.0):
    optimizer = SGD(parameters(), lr=lr)
    scheduler = make_scheduler(optimizer)
    rates = [optimizer.lr]
    for _ in range(epochs):
        scheduler.step()
        rates.append(optimizer.lr)
    return rates, scheduler


def test_step_lr_decays_every_step_size_epochs():
    rates, _ = learning_rates(lambda optimizer: StepLR(optimizer, step_size=3, gamma=0.5), epochs=7)
    assert rates == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]


def test_exponential_lr_multiplies_by_gamma_each_epoch():
    rates, _ = learning_rates(lambda optimizer: ExponentialLR(optimizer, gamma=0.9), epochs=5, lr=0.2)
    np.testing.assert_allclose(rates, 0.2 * 0.9 ** np.arange(6), rtol=1e-15)


def test_cosine_annealing_follows_half_a_cosine_to_eta_min():
    rates, _ = learning_rates(lambda optimizer: CosineAnnealingLR(optimizer, T_max=10, eta_min=0.1), epochs=10)
    expected = 0.1 + 0.9 * (1 + np.cos(np.pi * np.arange(11) / 10)) / 2
    np.testing.assert_allclose(rates, expected, rtol=1e-14)
    assert rates[0] == 1.0 and rates[5] == pytest.approx(0.55) and rates[10] == pytest.approx(0.1)


def test_get_last_lr_is_the_rate_the_optimizer_uses():
    rates, scheduler = learning_rates(lambda optimizer: StepLR(optimizer, step_size=1, gamma=0.1), epochs=2)
    assert scheduler.get_last_lr() == rates[-1] == scheduler.optimizer.lr


def test_the_next_step_uses_the_scheduled_rate():
    parameter = Parameter(np.array([1.0]))
    optimizer = SGD([parameter], lr=1.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.5)
    scheduler.step()
    parameter.grad = np.array([1.0])
    optimizer.step()
    assert parameter.data[0] == 0.5


def test_scheduler_state_dict_resumes_the_schedule():
    _, scheduler = learning_rates(lambda optimizer: ExponentialLR(optimizer, gamma=0.5), epochs=3)
    optimizer = SGD(parameters(), lr=1.0)
    resumed = ExponentialLR(optimizer, gamma=0.5)
    resumed.load_state_dict(scheduler.state_dict())
    resumed.step()
    assert optimizer.lr == 1.0 * 0.5**4


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda optimizer: StepLR(optimizer, step_size=0), ValueError, "step_size must be >= 1"),
        (lambda optimizer: StepLR(optimizer, step_size=1.5), TypeError, "step_size must be an int"),
        (lambda optimizer: ExponentialLR(optimizer, gamma=0.0), ValueError, "gamma must be > 0"),
        (lambda optimizer: CosineAnnealingLR(optimizer, T_max=0), ValueError, "T_max must be >= 1"),
        (lambda optimizer: CosineAnnealingLR(optimizer, T_max=5, eta_min=-1), ValueError, "eta_min must be >= 0"),
        (lambda optimizer: StepLR("optimizer", step_size=1), TypeError, "expected an optimizer"),
    ],
)
def test_invalid_scheduler_arguments_are_refused(make, error, message):
    with pytest.raises(error, match=message):
        make(SGD(parameters(), lr=1.0))


def test_plain_sgd_step_is_theta_minus_lr_times_grad_in_the_parameters_dtype():
    rng = np.random.default_rng(3)
    params = [Parameter(rng.normal(size=(3, 2)).astype(np.float32)), Parameter(rng.normal(size=4))]
    grads = [rng.normal(size=(3, 2)).astype(np.float32), rng.normal(size=4)]
    expected = [p.data - np.asarray(0.1, dtype=p.data.dtype) * g for p, g in zip(params, grads)]
    for p, g in zip(params, grads):
        p.grad = g
    SGD(params, lr=0.1).step()
    assert [p.data.dtype for p in params] == [np.float32, np.float64]
    for p, value in zip(params, expected):
        np.testing.assert_array_equal(p.data, value)


def test_a_subclass_of_sgd_that_overrides_update_is_used_for_every_parameter():
    class HalfStep(SGD):
        def update(self, theta, g, state):
            theta -= 0.5 * self.lr * g
            return theta

    parameter = Parameter(np.ones(3))
    parameter.grad = np.full(3, 2.0)
    HalfStep([parameter], lr=0.1).step()
    np.testing.assert_allclose(parameter.data, np.full(3, 0.9), rtol=0, atol=1e-15)
