"""Delivery: the dispatcher that drains the durable queue through the providers."""
