"""Writes for surveys: the one way to change questionnaires, waves, invitations and responses."""
