"""IAM and KMS policy documents, ARN builders, one statement builder per principal or resource,
grants to roles, and the least-privilege check."""
