"""Mission observations: the table reader, workspaces, missions, statistics, checklists, exports."""
