"""Who may see what: roles and their rights, the area a user may see (scope), and masking of personal data."""
