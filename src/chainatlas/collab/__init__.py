"""企业出题、院所解题 · 揭榜挂帅 · 产教融合: technology demands and capabilities, their matching, the open-call workflow and internships."""
