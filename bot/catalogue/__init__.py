"""Bot side of the programme catalogue: calendar answers, cards, staff commands (issue 14)."""
