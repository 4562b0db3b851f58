"""`/join/<token>`: the link a player opens in a browser, binding the seat to the session."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from exercises import identity
from exercises.services import seats
from exercises.services.errors import ServiceError


def join(request: HttpRequest, token: str) -> HttpResponse:
    try:
        seat = seats.join(seats.seat_by_token(token))
    except ServiceError:
        context = {
            "title": "This link opens no seat",
            "message": "The link is wrong, or its seat was given to someone else since. "
            "Ask the facilitator for a new one.",
        }
        return render(request, "exercises/live/no_seat.html", context, status=404)
    identity.bind_seat(request, seat)
    # The exercise's address sends each kind of seat to its page.
    return redirect(reverse("exercises:exercise", args=[seat.exercise.public_id]))
