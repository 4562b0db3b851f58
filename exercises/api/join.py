"""`/join/<token>`: the link a player opens in a browser, binding the seat to the session."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from exercises.services import lifecycle
from exercises.services.errors import ServiceError

from . import auth


def join(request: HttpRequest, token: str) -> HttpResponse:
    try:
        seat = lifecycle.join(lifecycle.seat_by_token(token))
    except ServiceError:
        raise Http404("This link does not open any seat.") from None
    auth.bind_seat(request, seat)
    # The live pages come in a later issue; until then the browser lands on its JSON view.
    return redirect(reverse("api:getExercise", args=[seat.exercise.public_id]))
