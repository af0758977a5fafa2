"""The scheduled job (``sync``) as a sequence of steps over one dataset."""
