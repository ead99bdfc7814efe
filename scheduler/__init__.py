"""Scheduled work on PTB's JobQueue: reminders and escalations sent from the database outbox."""
