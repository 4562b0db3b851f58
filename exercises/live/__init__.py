"""The live stream: `/ws/exercises/{id}/`.

A socket authenticates (session cookie with an allowed Origin, or a bearer header), sends
`{"type": "resume", "since": N}` and gets every event it may see after N, then live ones.

- `auth`: who the handshake is.
- `log`: the database reads (resume and gap filling only).
- `frames`: one stored event projected and encoded once per viewer.
- `feed`: one channel-layer subscription per exercise per process, fanning out to its sockets.
- `stream`: one socket's place in the log: never a gap, never a duplicate.
- `consumer`: the Channels consumer tying them to the protocol; `routing`: its URL.
"""
