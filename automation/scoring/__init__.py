"""Scoring: weighted scores, normalisation, agreement, tie-breaks and winners."""

from automation.scoring.results import Results, ScoringSettings, score

__all__ = ["Results", "ScoringSettings", "score"]
