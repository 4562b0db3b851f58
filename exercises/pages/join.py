"""`/join/<token>`: the link a player opens in a browser, binding the seat to the session.

A browser acts as one seat of an exercise at a time, and keeps every seat whose link it opened:
opening a second seat's link of the same exercise asks before it switches (one person testing
two roles in one browser would otherwise act as the wrong one without noticing), and each
page's header then offers to switch back (`switch_seat`). A bot's seat opens no page: its
briefing is the bot's, and a person takes the role back through a new link from the console.

A link followed from another site is a request that site made: it could bind the browser to a
seat of the attacker's choosing (login CSRF), and the person would then type into the wrong
exercise. So a browser that holds a seat already is asked, on a page whose button POSTs with a
CSRF token, before a cross-site navigation (`Sec-Fetch-Site: cross-site` or `same-site`, or,
from a browser that sends no such header, no Referer of this site) binds another seat.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from exercises import identity, throttle
from exercises.models import Seat
from exercises.services import seats
from exercises.services.errors import ServiceError
from exercises.services.scenarios import scenario_of


def join(request: HttpRequest, token: str) -> HttpResponse:
    address = identity.client_address(request)
    throttle.refused_address(address)
    try:
        seat = seats.seat_by_token(token)
    except ServiceError:
        throttle.failed_from(address)
        return _refused(
            request,
            "This link opens no seat",
            "The link is wrong, or its seat was given to someone else since. "
            "Ask the facilitator for a new one.",
            404,
        )
    if seat.bot_policy:
        return _refused(
            request,
            "A bot plays this role",
            f"{seat_label(seat)} is played by a bot, so this link opens nothing. If you are to "
            "play it, ask the facilitator for a new link: it takes the role back from the bot.",
            403,
        )
    question = None if request.method == "POST" else _ask_first(request, seat)
    if question is not None:
        return question
    identity.bind_seat(request, seats.join(seat))
    # The exercise's address sends each kind of seat to its page.
    return redirect(reverse("exercises:exercise", args=[seat.exercise.public_id]))


@require_POST
def switch_seat(request: HttpRequest, public_id: str) -> HttpResponse:
    """Act as another seat of this exercise whose link this browser opened before."""
    name = request.POST.get("seat", "")
    seat = next((s for s in identity.other_seats(request, public_id) if s.name == name), None)
    if seat is None:
        return _refused(
            request,
            "No such seat to switch to",
            "This browser has not opened that seat's link, or the seat was given to someone "
            "else or to a bot since. Open its link (or ask the facilitator for a new one).",
            404,
        )
    identity.bind_seat(request, seat)
    return redirect(reverse("exercises:exercise", args=[public_id]))


def _ask_first(request: HttpRequest, seat: Seat) -> HttpResponse | None:
    """The page that asks before this browser opens `seat`, or None to open it at once."""
    held = _held(request, seat)
    context = {"seat": seat_label(seat), "exercise": seat.exercise}
    if held is not None and held.pk != seat.pk:
        context["held"] = seat_label(held)
        return render(request, "exercises/live/switch_seat.html", context)
    if held is None and identity.holds_a_seat(request) and not from_this_site(request):
        return render(request, "exercises/live/confirm_join.html", context)
    return None


def from_this_site(request: HttpRequest) -> bool:
    """Whether the navigation began here: on one of our pages, or typed or pasted by the person
    (`Sec-Fetch-Site: none`), rather than on another site's page."""
    fetched_from = request.headers.get("Sec-Fetch-Site")
    if fetched_from is not None:
        return fetched_from in ("same-origin", "none")
    referer = urlsplit(request.headers.get("Referer", ""))
    return (referer.scheme, referer.netloc) == (request.scheme, request.get_host())


def _held(request: HttpRequest, seat: Seat) -> Seat | None:
    """The seat this browser holds already in the link's exercise, if any."""
    try:
        return identity.session_seat(request, seat.exercise.public_id)
    except ServiceError:
        return None


def seat_label(seat: Seat) -> str:
    """A seat as people call it: the role's name, or Facilitator / Observer."""
    if seat.kind != Seat.Kind.ROLE:
        return str(seat.kind).capitalize()
    return scenario_of(seat.exercise).role_names.get(seat.role, seat.role)


def _refused(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    context = {"title": title, "message": message}
    return render(request, "exercises/live/no_seat.html", context, status=status)
