"""The report's tests play exercises through the use cases, with the services' small cast."""

from tests.services.conftest import cast, create, lobby, scenario

__all__ = ["cast", "create", "lobby", "scenario"]
