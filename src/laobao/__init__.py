"""laobao (劳保): labor and social security management information system."""

__version__ = "0.1.0"
