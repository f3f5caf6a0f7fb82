"""The Textual UI. Imports model, checks and scan.events; never aiobotocore."""
