"""ChainAtlas (产业链图谱平台): industrial-chain atlas and data-exchange platform for a manufacturing city.

The package is library-first: every capability is a Python function; the CLI (``chainatlas``),
the REST API (``/api/v1``) and the web workbench are thin shells over it.
"""

__version__ = "0.1.0"
