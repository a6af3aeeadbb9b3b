"""The way out, and back: our models as PyTorch modules (``to_torch`` / ``from_torch``) and as ONNX files.

Each target is one file; torch and onnx are imported only when a function is called.
(safetensors files are read and written by ``nn.save`` / ``nn.load``, by suffix.)
"""

from .onnx_export import export_onnx
from .pytorch import from_torch, to_torch

__all__ = ["export_onnx", "from_torch", "to_torch"]
