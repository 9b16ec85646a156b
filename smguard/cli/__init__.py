"""The `smguard` command line: evaluate an account, run the demo, export and verify evidence."""
