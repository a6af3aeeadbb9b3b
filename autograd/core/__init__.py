"""The core: the node, the engine (grad mode, the backward loops), the op table and the arrays the hot paths keep.

It imports neither drawing nor the instruments (tests/test_imports.py)."""
