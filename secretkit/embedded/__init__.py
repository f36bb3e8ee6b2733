"""The embedded AWS: Pulumi mocks, the deployer and its per-resource-type translations, the
throwaway moto account and its fidelity patches, IAM evaluation, the Lambda runner and the
rotation emulator."""
