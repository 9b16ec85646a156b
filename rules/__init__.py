"""smguard's rules: one folder per AWS Config rule (code, metadata.json, tests), found by convention."""
