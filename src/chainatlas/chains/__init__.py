"""Chains (产业链): chain templates as DAGs of segments (环节), and their placement of enterprises."""
