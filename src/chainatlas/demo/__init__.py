"""The demo city (示例城市): a fictional but plausible Zhengzhou for trying and testing ChainAtlas."""
