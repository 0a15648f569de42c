"""Self-checks for each notebook's exercises: ``helpers.exercises.nbNN`` for notebook NN."""
