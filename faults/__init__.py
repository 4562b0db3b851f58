"""The fault suite: the production shape started on this machine, and faults done to it.

`python -m faults [--quick] [SCENARIO ...]` (README, "The fault suite"). Each scenario starts
its own processes (two uvicorn web processes, Celery workers and a beat, a Redis server of its
own unless told to use one) on one PostgreSQL database, plays exercises over the HTTP API and the
WebSocket stream as clients would, does its fault, and checks from the database and the
facilitator's exports that nothing a client was told succeeded was lost or done twice.
"""
