"""The running bot: the circle, due actions, the waker, the watcher, the app."""
