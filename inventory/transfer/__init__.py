"""Moving book records in and out of a shop: CSV, UIEE and Amazon reports."""
