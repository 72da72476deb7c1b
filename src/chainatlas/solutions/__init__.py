"""轻量化解决方案: the solution catalogue (hardware lease + software subscription) and SMEs' subscriptions, whose
recorded spending the rules read (docs/digital.md). Below ``rules`` and ``digital``: it imports neither."""
