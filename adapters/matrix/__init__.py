"""Study Circle on Matrix: matrix-nio, threads by `m.thread`, commands as `!study NAME ...`."""

from adapters.matrix.platform import MatrixPlatform

__all__ = ["MatrixPlatform"]
