"""Writers: report contexts, HTML from the packaged templates, JSON, CSV and XLSX."""
