"""Rotation functions: the Lambda and its role, the artifact and driver bundle, function
settings, custom code arguments, and the shared RotationFunction component."""
