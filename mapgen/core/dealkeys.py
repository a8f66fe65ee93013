"""The deal's standard keys, in one place (a plan's ``deal`` may hold others too).

A tiny module without imports, so that light modules (rendering, column types) can use it
without loading the plan model.
"""

# The deal dates that relative dates (``go_live-6w``) are usually written against.
DEAL_DATE_KEYS = ("start", "close", "go_live")
# The keys every plan's deal knows, in the order documents list them.
STANDARD_DEAL_KEYS = ("name", "buyer", "seller", *DEAL_DATE_KEYS)
