"""The one place the app's version is written: pyproject.toml reads it (setuptools dynamic
version), and the 关于 box, the Windows installer and the .deb take it from here."""

__version__ = "0.1.0"
