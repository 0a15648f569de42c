"""Small, tested helpers for the lstm-batching course.

Import the module you need, e.g. ``from helpers import data, shapes, windows``.
Importing ``helpers`` itself imports nothing heavy: TensorFlow is only loaded by
``helpers.session.start()`` (which quiets it first) or by modules that need it.
"""

__version__ = "0.1.0"
