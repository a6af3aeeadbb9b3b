"""``python -m autograd ops``: print the op table as Markdown (docs/ops.md); ``python -m autograd stubs``: write
the type stubs of Value and Tensor from it."""

import sys

from autograd.core import optable
from autograd import stubs

USAGE = """usage: python -m autograd ops      print the op table as Markdown (python -m autograd ops > docs/ops.md)
       python -m autograd stubs    write the type stubs of Value and Tensor (autograd/*.pyi) from the op table"""


def main(argv):
    """Run the command named in ``argv``; 0 on success, 2 with the usage otherwise."""
    if argv == ["ops"]:
        sys.stdout.write(optable.markdown())
        return 0
    if argv == ["stubs"]:
        for path in stubs.write():
            print(f"wrote {path}")
        return 0
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
