"""The exercise's use cases: the only code that changes an exercise.

Views, consumers, tasks, commands and the admin call these; each change appends its events in
the same transaction and publishes them after commit.
"""
