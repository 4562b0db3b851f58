"""Admin registrations. Admin actions must go through the use-case functions, like every write."""
