"""The live pages of an exercise (player, facilitator console, observer) and the lobby.

Server-rendered templates that a small hand-written client (`static/js/`) keeps up to date
from the event stream. Every write the pages make goes through the HTTP API; these views only
read, through the same projection the API uses.
"""
