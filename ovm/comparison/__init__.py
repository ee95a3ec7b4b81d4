"""The cohort step and comparison: normalisation, family 7, rankings, sensitivity, advice."""
