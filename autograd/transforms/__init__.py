"""Transforms of functions: grad, value_and_grad, jacobian, hessian, hvp (reverse mode), jvp and jacfwd (forward mode), gradcheck, and user-defined primitives."""
