"""The API the handlers and the scheduler call. Each function owns its transaction, checks the
actor's rights, and raises DomainError (changing nothing) on bad input."""
