"""The Secrets Manager components (RotatingSecret, CrossRegionReplicatedSecret) and their base."""
