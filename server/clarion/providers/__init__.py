"""Push providers: one module per provider that builds requests and classifies responses.

Every provider talks to the outside world through the one shared HTTP/2 transport in
`clarion.providers.transport`; nothing else in a provider module does I/O.
"""
