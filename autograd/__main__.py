"""``python -m autograd ops``: print the op table as Markdown (the list of ops in docs/ops.md)."""

import sys

from autograd import optable


def main(argv):
    """Run the command named in ``argv``; 0 on success, 2 with a usage line otherwise."""
    if argv != ["ops"]:
        print("usage: python -m autograd ops    (print the op table as Markdown)", file=sys.stderr)
        return 2
    sys.stdout.write(optable.markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
