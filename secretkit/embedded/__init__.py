"""The embedded AWS: Pulumi mocks, moto and its fidelity patches, IAM evaluation, the Lambda
runner and the rotation emulator."""
