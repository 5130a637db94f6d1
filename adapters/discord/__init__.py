"""Discord: the discord.py client, its embeds and its edit modal."""
