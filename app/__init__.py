"""convviz web layer: FastAPI app translating HTTP to engine calls and back."""

__version__ = "0.1.0"
