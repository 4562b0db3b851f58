"""`/exercises/<id>/room/`: the room view, for the screen on the wall.

The facilitator's browser opens it, but every piece of it (the page, its event log, its
`now.json` and its WebSocket) is the observer's view: what everyone in the room may see.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from exercises.models import Seat
from exercises.services import projection, room

from .data import now_data, page_data
from .views import NoSeat, no_seat_page, seat_for


def _room_seat(request: HttpRequest, public_id: str) -> Seat:
    """The observer's seat, for a browser that holds the facilitator's; NoSeat otherwise."""
    seat = seat_for(request, public_id)
    if seat.kind != Seat.Kind.FACILITATOR:
        raise NoSeat(403, "For the facilitator", "Only the facilitator opens the room view.")
    return room.observer_seat(seat)


@never_cache
def room_page(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        seat = _room_seat(request, public_id)
    except NoSeat as error:
        return no_seat_page(request, error)
    data = page_data(seat)
    data["csrf"] = get_token(request)
    data["urls"] = {
        # live.js reads `{api}/events?since=N`: the room's own, the observer's events
        "api": reverse("exercises:room_events", args=[public_id]).removesuffix("/events"),
        "page": reverse("exercises:room", args=[public_id]),
        "now": reverse("exercises:room_now", args=[public_id]),
        "socket": f"/ws/exercises/{public_id}/room/",
    }
    return render(request, "exercises/live/room.html", {"data": data, "view": data["view"]})


@never_cache
def room_events(request: HttpRequest, public_id: str) -> JsonResponse:
    """The observer's events after `since`, as `GET .../events` answers them."""
    since = request.GET.get("since", "0")
    if not since.isdigit() or len(since) > 18:
        body = {"error": {"code": "invalid", "message": "since must be a whole number, 0 or more"}}
        return JsonResponse(body, status=400)
    try:
        seat = _room_seat(request, public_id)
    except NoSeat as error:
        return _refused(error)
    return JsonResponse({"events": projection.events_for(seat, int(since))})


@never_cache
def room_now(request: HttpRequest, public_id: str) -> JsonResponse:
    try:
        seat = _room_seat(request, public_id)
    except NoSeat as error:
        return _refused(error)
    return JsonResponse(now_data(seat))


def _refused(error: NoSeat) -> JsonResponse:
    body = {"error": {"code": "no_seat", "message": error.message}}
    return JsonResponse(body, status=401 if error.status == 403 else error.status)
