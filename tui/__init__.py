"""The Textual app: `soulchat` / `soulchat chat` open it (see app.run_app)."""
