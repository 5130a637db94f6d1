"""Slack: the Bolt app, its Block Kit rendering and its edit form."""
