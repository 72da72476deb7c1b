"""Registry (主体与代码表): enterprises, administrative divisions, countries and industry codes."""
