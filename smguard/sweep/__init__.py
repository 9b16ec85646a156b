"""Read an account's in-scope resources and evaluate them with the rules' own checks.

Each resource is read with read-only Describe/List calls and turned into the ``configuration``
object AWS Config would record for it, so that ``smguard evaluate`` and the demo run exactly the
code the Lambda functions run (``gather_facts`` then ``check``; periodic rules list their resources with ``list_resources``),
before or without deploying.
"""
