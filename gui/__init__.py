"""Qt views that render core snapshots and turn user gestures into core calls."""
