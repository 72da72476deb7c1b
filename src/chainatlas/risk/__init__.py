"""Risk (供应链韧性): the time-to-recover / time-to-survive risk exposure index of Simchi-Levi et al. (2015)."""
