"""Creative labour: hours by role, jobs moved and redeployed, and models' income (livelihoods)."""
