"""The AWS AppConfig component: DynamicParameter, its arguments, its content checks and its plan."""
