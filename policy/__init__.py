"""secretkit's CrossGuard policy pack: the house rules, enforced by `pulumi preview --policy-pack`.

The policies live in :mod:`policy.secretkit_policies`; ``__main__.py`` serves them to the engine.
"""
