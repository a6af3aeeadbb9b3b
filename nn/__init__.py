"""nn: layers, losses, optimizers, data tools and training, built only from autograd's ops."""

from . import data, functional, init, optim, scalar
from .bridge import export_onnx, from_torch, to_torch
from .conv_layers import AvgPool2d, Conv2d, Flatten, MaxPool2d
from .embedding import Embedding
from .layers import (
    GELU,
    MLP,
    Dropout,
    Identity,
    LeakyReLU,
    Linear,
    LogSoftmax,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
)
from .losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HingeLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
)
from .files import load, save
from .metrics import accuracy
from .module import Module, Parameter, Sequential
from .normalization import BatchNorm1d, LayerNorm
from .penalties import l1_penalty, l2_penalty
from .training import History, NonFiniteLossError, evaluate, fit, predict
from .training_warning import TrainingWarning

__all__ = [
    "AvgPool2d",
    "BatchNorm1d",
    "BCELoss",
    "BCEWithLogitsLoss",
    "Conv2d",
    "CrossEntropyLoss",
    "Dropout",
    "Embedding",
    "Flatten",
    "GELU",
    "HingeLoss",
    "History",
    "Identity",
    "L1Loss",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "MLP",
    "MaxPool2d",
    "MSELoss",
    "Module",
    "NLLLoss",
    "NonFiniteLossError",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "TrainingWarning",
    "accuracy",
    "data",
    "evaluate",
    "export_onnx",
    "fit",
    "from_torch",
    "functional",
    "init",
    "l1_penalty",
    "l2_penalty",
    "load",
    "optim",
    "predict",
    "save",
    "scalar",
    "to_torch",
]
