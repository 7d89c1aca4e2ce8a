"""The fast proof of validity behind the spec checks (see :mod:`.fastpath`)."""
