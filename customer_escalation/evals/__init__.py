"""Offline evals: scenario files and their graders."""
