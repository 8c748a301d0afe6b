"""Mediation: requests, deadlines, slots, bookings, outcomes and certificates."""
