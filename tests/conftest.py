import os

from helpers.session import QUIET_ENV

# Quiet TensorFlow for tests that import it (the settings of helpers.session.start()).
for _name, _value in QUIET_ENV.items():
    os.environ.setdefault(_name, _value)
os.environ.setdefault("MPLBACKEND", "Agg")
