"""The cargo network (货运网络 · 双枢纽): lanes, hubs and candidate hubs from the platform's own EPCIS events."""
