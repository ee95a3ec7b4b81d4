"""The rubric: its model, loading with located errors, validation checks and formulas."""
