"""The database engines (SQLite, PostgreSQL) behind one small interface."""
