"""Makes provider/ a package for type checking only (module provider.__main__, not a second
__main__ beside the reference stack's). Pulumi runs provider/__main__.py directly."""
