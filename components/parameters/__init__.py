"""The Parameter Store components: SecureParameter (policies, notifications) and
ProxiedParameterPolicy."""
