"""``smguard demo``: the rules at work in an embedded AWS, no account needed."""
