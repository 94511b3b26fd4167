"""Templates and prompt text, loaded with importlib.resources."""
