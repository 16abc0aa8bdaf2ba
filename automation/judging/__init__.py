"""The judging workflow: assign judges, send blind judge packs, collect the scores back."""
