"""Rotation Lambda handlers secretkit deploys; each module imports only boto3 and the stdlib."""
