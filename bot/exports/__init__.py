"""What leaves the bot as files: exports in CSV, JSON, Markdown, and the archive."""
