"""Google backend: Sheets as the shared store, Forms for answers (google-api-python-client, gspread)."""
