"""The live pages: one per kind of seat, chosen by the seat this browser holds.

A browser holds a seat once it opened the seat's `/join/<token>` link (the session remembers
it). Without one, or with a seat of another kind, a page says so in plain words with a 403,
never a 500 or another seat's data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from exercises import identity, throttle
from exercises.models import Exercise, Seat
from exercises.services.errors import ServiceError

from .data import now_data, page_data
from .join import seat_label

PAGES = {
    Seat.Kind.ROLE: "exercises:player",
    Seat.Kind.FACILITATOR: "exercises:console",
    Seat.Kind.OBSERVER: "exercises:observer",
}


class NoSeat(Exception):
    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


def seat_for(request: HttpRequest, public_id: str) -> Seat:
    """The seat this browser holds in the exercise, or NoSeat saying why there is none.

    Pages and their data count against the seat's allowance as the API does, and a browser
    without a seat against its address's (`throttle.Limited`, a 429, wargame/middleware.py)."""
    address = identity.client_address(request)
    throttle.refused_address(address)
    try:
        seat = identity.session_seat(request, public_id)
    except ServiceError:
        throttle.failed_from(address)
        # Asked only when there is no seat: a page's every data fetch saves the query.
        if not Exercise.objects.filter(public_id=public_id).exists():
            raise NoSeat(404, "No such exercise", "There is no exercise at this address.") from None
        raise NoSeat(
            403,
            "You have no seat here",
            "This browser holds no seat in this exercise, or its seat was given to someone "
            "else. Open the join link you were given (or ask the facilitator for a new one).",
        ) from None
    throttle.take(seat.pk)
    return seat


def no_seat_page(request: HttpRequest, error: NoSeat) -> HttpResponse:
    context = {"title": error.title, "message": error.message}
    return render(request, "exercises/live/no_seat.html", context, status=error.status)


def exercise_home(request: HttpRequest, public_id: str) -> HttpResponse:
    """`/exercises/<id>/`: the page of the seat this browser holds."""
    try:
        seat = seat_for(request, public_id)
    except NoSeat as error:
        return no_seat_page(request, error)
    return redirect(reverse(PAGES[Seat.Kind(seat.kind)], args=[public_id]))


def _live_page(request: HttpRequest, public_id: str, kind: str, template: str) -> HttpResponse:
    try:
        seat = seat_for(request, public_id)
    except NoSeat as error:
        return no_seat_page(request, error)
    if seat.kind != kind:
        wrong = NoSeat(
            403,
            "Not your page",
            "This page is for another kind of seat than the one this browser holds. "
            f"Yours is at {reverse('exercises:exercise', args=[public_id])}.",
        )
        return no_seat_page(request, wrong)
    data = page_data(seat)
    data["csrf"] = get_token(request)
    data["urls"] = {
        "api": reverse("api:getExercise", args=[public_id]),
        "page": reverse("exercises:page_data", args=[public_id]),
        "now": reverse("exercises:now_data", args=[public_id]),
        "socket": f"/ws/exercises/{public_id}/",
    }
    context = {
        "data": data,
        "view": data["view"],
        "seat": seat,
        "briefing": paragraphs(data["view"]["me"].get("briefing", "")),
        "other_seats": [(s.name, seat_label(s)) for s in identity.other_seats(request, public_id)],
    }
    return render(request, template, context)


def paragraphs(text: str) -> list[str]:
    """Paragraphs split on blank lines; the single line breaks of YAML text become spaces."""
    return [" ".join(block.split()) for block in text.split("\n\n") if block.strip()]


@never_cache
def player(request: HttpRequest, public_id: str) -> HttpResponse:
    return _live_page(request, public_id, Seat.Kind.ROLE, "exercises/live/player.html")


@never_cache
def console(request: HttpRequest, public_id: str) -> HttpResponse:
    return _live_page(request, public_id, Seat.Kind.FACILITATOR, "exercises/live/console.html")


@never_cache
def observer(request: HttpRequest, public_id: str) -> HttpResponse:
    return _live_page(request, public_id, Seat.Kind.OBSERVER, "exercises/live/observer.html")


@never_cache
def page_json(request: HttpRequest, public_id: str) -> JsonResponse:
    """The whole page's data, as it was rendered with (for people and programs poking at it:
    the pages themselves fetch `now.json`)."""
    return _seat_json(request, public_id, page_data)


@never_cache
def now_json(request: HttpRequest, public_id: str) -> JsonResponse:
    """What a page fetches after an event that does not carry what it shows: the parts of its
    data that change, and the latest point of the history only."""
    return _seat_json(request, public_id, now_data)


def _seat_json(
    request: HttpRequest, public_id: str, read: Callable[[Seat], dict[str, Any]]
) -> JsonResponse:
    try:
        seat = seat_for(request, public_id)
    except NoSeat as error:
        body = {"error": {"code": "no_seat", "message": error.message}}
        return JsonResponse(body, status=401 if error.status == 403 else error.status)
    return JsonResponse(read(seat))
