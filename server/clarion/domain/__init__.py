"""Clarion's pure rules: validation, targeting and policy, with no I/O."""
