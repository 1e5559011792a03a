"""A session's life: opening, prompts, responses, closing, and what is sent."""
