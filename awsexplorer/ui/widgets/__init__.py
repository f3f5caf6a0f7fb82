"""Widgets of the main screen. Each announces what happened with its own messages."""
