"""Field tooling: the observers' XLSForm and the mission data template."""
