"""When things happen: cadences, the planner of pending actions, previews, .ics."""
