"""The Optimizer base: the parameter list, ``zero_grad``, the step loop and checked hyperparameters.

An optimizer computes nothing by differentiation: it reads each parameter's
``.grad`` (filled by ``backward()``) and writes its ``.data``. A parameter is a
leaf that requires grad: a Tensor (``nn.Parameter``) or a scalar ``Value``.

Each subclass writes its rule once, as ``update(theta, g, state) -> new theta``,
in arithmetic that works on a Python float (a Value's data) and on an ndarray
(a Tensor's data) alike. Augmented assignments (``theta -= step``) rebind a float
and update an array in place, so a step allocates few temporaries, a float32
parameter stays float32 and every view of its array sees the update. A step marks
the Tensors it changes (``autograd.increment_version``), so a graph recorded before it
refuses to backpropagate through the old values.
"""

import math
import numbers
import warnings

import numpy as np

from autograd import Node, Value, increment_version

from ..training_warning import TrainingWarning

_ndarray = np.ndarray


class Hyperparameter:
    """A checked setting: assigning it (in ``__init__`` or later, as a scheduler does) runs ``check``.

    Reading it is a plain attribute read (the checked value lives in the
    optimizer's ``__dict__``), so the step loop pays nothing for the checks.
    """

    def __init__(self, check):
        self.check = check

    def __set_name__(self, owner, name):
        self.name = name


def real_number(value, where):
    """``value`` as a finite float; TypeError for a non-number, ValueError for nan or inf."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{where} must be finite, got {value}")
    return value


def non_negative(value, where):
    """A finite float >= 0 (learning rates, weight decay)."""
    value = real_number(value, where)
    if value < 0:
        raise ValueError(f"{where} must be >= 0, got {value}")
    return value


def positive(value, where):
    """A finite float > 0 (eps)."""
    value = real_number(value, where)
    if value <= 0:
        raise ValueError(f"{where} must be > 0, got {value}")
    return value


def decay_rate(value, where):
    """A float in [0, 1): the weight of the old average in an exponential average (momentum, betas, alpha)."""
    value = real_number(value, where)
    if not 0 <= value < 1:
        raise ValueError(f"{where} must be in [0, 1), got {value}")
    return value


def parameter_list(params, where):
    """``params`` as a list of distinct parameters (leaf Values or Tensors that require grad), or a clear error."""
    if isinstance(params, Node):
        raise TypeError(f"{where}: params must be a list of parameters, got a single {type(params).__name__}; "
                        "wrap it in a list")
    if hasattr(params, "parameters") and callable(params.parameters):
        raise TypeError(f"{where}: params must be a list of parameters, got a {type(params).__name__}; "
                        "pass model.parameters()")
    try:
        params = list(params)
    except TypeError:
        raise TypeError(f"{where}: params must be an iterable of parameters (Tensors or Values), "
                        f"got {type(params).__name__}") from None
    if not params:
        raise ValueError(f"{where}: params is empty; there is nothing to optimize")
    seen = {}
    for index, parameter in enumerate(params):
        if not isinstance(parameter, Node):
            raise TypeError(f"{where}: params[{index}] is a {type(parameter).__name__}, expected a parameter "
                            "(nn.Parameter, a Tensor with requires_grad=True, or a Value)")
        if not parameter.requires_grad:
            raise ValueError(f"{where}: params[{index}] does not require grad, so it would never be updated")
        if parameter.parents:
            raise ValueError(f"{where}: params[{index}] is the result of an op ({parameter.op!r}), not a leaf; "
                             "only leaves (parameters) can be optimized")
        if id(parameter) in seen:
            raise ValueError(f"{where}: params[{index}] is the same parameter as params[{seen[id(parameter)]}]; "
                             "each parameter may appear once")
        seen[id(parameter)] = index
    return params


def _gradient_payload(grad):
    """A float or ndarray from a grad (which is a node after ``backward(create_graph=True)``)."""
    return grad.data if isinstance(grad, Node) else grad


class Optimizer:
    """Base class: holds ``params`` and one ``state`` dict per parameter; subclasses define ``update``."""

    lr = Hyperparameter(non_negative)
    hyperparameter_names = ("lr",)
    """The names of the class's ``Hyperparameter`` settings, base class first: derived, never written by hand."""
    parameter_names = None  # {id(parameter): dotted name}, set by fit, for warnings

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        names = {}
        for klass in reversed(cls.__mro__):
            names.update((name, None) for name, value in vars(klass).items() if isinstance(value, Hyperparameter))
        cls.hyperparameter_names = tuple(names)

    def __init__(self, params):
        self.params = parameter_list(params, type(self).__name__)
        self.state = [{} for _ in self.params]

    def __setattr__(self, name, value):
        setting = getattr(type(self), name, None)
        if isinstance(setting, Hyperparameter):
            value = setting.check(value, f"{type(self).__name__}: {name}")
        object.__setattr__(self, name, value)

    def update(self, theta, g, state):
        """The new value of a parameter whose value is ``theta`` (updated in place if an array) and gradient ``g``."""
        raise NotImplementedError(f"{type(self).__name__} does not define update(theta, g, state)")

    @staticmethod
    def buffer(state, name, theta):
        """``state[name]``, created as zeros like ``theta`` (0.0 for a float) on first use."""
        value = state.get(name)
        if value is None:
            value = 0.0 if isinstance(theta, float) else np.zeros_like(theta)
        return value

    def _update_arrays(self, thetas, gs, states):
        """Update the array parameters ``thetas`` (in place) from their gradients ``gs``, in one pass.

        The default applies ``update`` to each; a subclass may do all of them at once.
        """
        update = self.update
        for theta, g, state in zip(thetas, gs, states):
            updated = update(theta, g, state)
            if updated is not theta:
                theta[...] = updated

    def step(self):
        """Update every parameter whose ``grad`` is not None by the optimizer's rule.

        A parameter left with no gradient while others have one is not connected to
        the loss: it is named in a ``TrainingWarning`` (once) and left unchanged.
        """
        thetas, gs = [], []
        for parameter in self.params:  # the common case first: Tensors with plain gradients of their shapes
            g = parameter._grad
            data = parameter._data
            if g.__class__ is not _ndarray or g.shape != data.shape:
                break
            thetas.append(data)
            gs.append(g)
        else:
            increment_version(self.params)
            self._update_arrays(thetas, gs, self.state)
            return
        self._step_each()

    def _step_each(self):
        """``step`` for any mix of parameters: Values, gradients that are nodes or missing, each checked."""
        missing = None
        changed, thetas, gs, states = [], [], [], []
        for parameter, state in zip(self.params, self.state):
            g = parameter._grad  # the slots, not the properties: a Tensor's plain gradient is read as it is
            data = parameter._data
            if g.__class__ is not _ndarray:  # not a Tensor's plain gradient: None, a Value's float, or a node
                g = parameter.grad  # the public reading (a 0-d sum numpy left as a scalar becomes an array)
                if g is None:
                    if missing is None:
                        missing = []
                    missing.append(parameter)
                    continue
                g = _gradient_payload(g)
                if isinstance(parameter, Value):
                    parameter.data = float(self.update(parameter.data, float(g), state))
                    continue
            if g.shape != data.shape:
                raise ValueError(f"{type(self).__name__}.step: a parameter of shape {data.shape} "
                                 f"has a grad of shape {np.shape(g)}")
            changed.append(parameter)
            thetas.append(data)
            gs.append(g)
            states.append(state)
        if thetas:
            increment_version(changed)
            self._update_arrays(thetas, gs, states)
        if missing is not None and len(missing) < len(self.params):
            self._warn_no_gradient(missing)

    def _warn_no_gradient(self, missing_parameters):
        position = {id(parameter): index for index, parameter in enumerate(self.params)}
        missing = [position[id(parameter)] for parameter in missing_parameters]
        warned = self.__dict__.setdefault("_warned_no_gradient", set())
        fresh = [index for index in missing if index not in warned]
        if not fresh:
            return
        warned.update(fresh)
        names = self.parameter_names or {}
        described = ", ".join(
            f"{names[id(self.params[i])]!r}" if id(self.params[i]) in names
            else f"params[{i}] (shape {np.shape(self.params[i].data)})"
            for i in fresh
        )
        warnings.warn(
            f"no gradient: {described} received no gradient from backward(), so {type(self).__name__}.step() "
            "leaves it unchanged. It is not connected to the loss: a layer built but not used in forward(), or "
            "a value computed under no_grad() or through .detach(). If that is intended, leave it out of the "
            "optimizer's parameters.",
            TrainingWarning,
            stacklevel=3,
        )

    def zero_grad(self):
        """Forget the gradients: a Tensor's ``grad`` becomes None, a Value's 0.0."""
        for parameter in self.params:
            parameter._grad = 0.0 if isinstance(parameter, Value) else None  # the slot: what .grad's setter writes

    # --- saving and restoring ------------------------------------------------------------

    def hyperparameters(self):
        """``{name: value}`` of this optimizer's settings (``lr``, ``momentum``, ``betas``, ...)."""
        return {name: getattr(self, name) for name in self.hyperparameter_names}

    def state_dict(self):
        """A copy of the hyperparameters and of each parameter's state (velocities, averages, step counts)."""
        return {
            "hyperparameters": self.hyperparameters(),
            "state": [{key: _copy(value) for key, value in state.items()} for state in self.state],
        }

    def load_state_dict(self, state_dict):
        """Restore what ``state_dict()`` saved, for the same parameters in the same order.

        Everything is checked before anything is assigned, so a refused load (ValueError) changes nothing.
        """
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, dict) or set(state_dict) != {"hyperparameters", "state"}:
            raise ValueError(f"{where}: expected a dict with keys 'hyperparameters' and 'state', "
                             "as made by state_dict()")
        hyperparameters, states = state_dict["hyperparameters"], state_dict["state"]
        if set(hyperparameters) != set(self.hyperparameter_names):
            raise ValueError(f"{where}: the hyperparameters {sorted(hyperparameters)} do not match "
                             f"{type(self).__name__}'s {sorted(self.hyperparameter_names)}")
        if len(states) != len(self.params):
            raise ValueError(f"{where}: the state holds {len(states)} parameters, this optimizer has "
                             f"{len(self.params)}")
        for index, (parameter, state) in enumerate(zip(self.params, states)):
            for key, value in state.items():
                if np.ndim(value) != 0 and np.shape(value) != np.shape(parameter.data):
                    raise ValueError(f"{where}: state {key!r} of parameter {index} has shape {np.shape(value)}, "
                                     f"the parameter has shape {np.shape(parameter.data)}")
        saved = self.hyperparameters()
        try:
            for name, value in hyperparameters.items():
                setattr(self, name, value)
        except (TypeError, ValueError):
            for name, value in saved.items():
                setattr(self, name, value)
            raise
        self.state = [{key: _copy(value) for key, value in state.items()} for state in states]

    def __repr__(self):
        settings = ", ".join(f"{name}={value!r}" for name, value in self.hyperparameters().items())
        return f"{type(self).__name__}({len(self.params)} parameters, {settings})"


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value
