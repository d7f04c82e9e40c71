"""Walk-forward evaluation of every strategy against the uniform control."""
