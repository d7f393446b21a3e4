"""Production cost: cost per asset by mode, the cost function, the cost drivers and the savings per moved asset."""
