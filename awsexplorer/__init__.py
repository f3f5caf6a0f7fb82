"""awsexplorer: see a whole AWS account at once, from a terminal."""

__version__ = "0.1.0"
