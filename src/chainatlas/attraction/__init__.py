"""招商跟踪 (investment-attraction follow-up): projects opened from the target list, their stages and timeline, and what a
landed project would change in the atlas."""
