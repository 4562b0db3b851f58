"""A facilitator and two players play in real browsers: the pages, the stream, the API together.

Bots (`no-pause`) play every role but Anthropic and OpenAI. Anthropic plays on a laptop,
OpenAI on a phone. Each test writes screenshots of its pages into `screenshots/`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from tests.browser.conftest import People, Person
    from tests.live_server import Exercise, Server

XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"> we stall them'


def join(person: Person, exercise: Exercise, seat: str, path: str) -> Page:
    page = person.page
    page.goto(exercise.join_url(seat))
    expect(page).to_have_url(f"{exercise.server.url}/exercises/{exercise.id}/{path}/")
    return page


def wait_live(page: Page) -> None:
    page.wait_for_function("() => window.wargameConnection && window.wargameConnection.open")


def open_action(page: Page, action: str) -> None:
    card = page.locator(f"#act-{action}")
    if card.get_attribute("open") is None:
        card.locator("summary").click()


def submit_free_form(page: Page, text: str) -> None:
    open_action(page, "free_form")
    page.fill("#act-free_form-why", text)
    page.get_by_role("button", name="Submit the free-form move").click()
    expect(page.locator("#notice")).to_contain_text("Move submitted")


def submit_action(page: Page, action: str) -> None:
    open_action(page, action)
    page.locator(f"#act-{action} button.submit").click()
    expect(page.locator("#notice")).to_contain_text("Move")


def play_exercise(server: Server) -> Exercise:
    return server.create_exercise(
        "--name", "Browser test", "--players", "anthropic,openai", "--bot-policy", "no-pause"
    )


def test_a_facilitator_and_two_players_play_two_turns_with_a_ruling_and_a_private_message(
    server: Server, people: People
) -> None:
    exercise = play_exercise(server)
    facilitator = people.new("facilitator")
    anthropic = people.new("anthropic")
    openai = people.new("openai", phone=True)
    console = join(facilitator, exercise, "facilitator", "console")
    lab = join(anthropic, exercise, "anthropic", "play")
    phone = join(openai, exercise, "openai", "play")
    for page in (console, lab, phone):
        wait_live(page)

    # turn 1: the facilitator starts; the pages see the turn open
    console.get_by_role("button", name="Start").click()
    for page in (console, lab, phone):
        expect(page.locator("#status")).to_contain_text("Month 1 of 12 (open)")

    # the facilitator pauses and resumes; the turn has no deadline, so nothing to extend
    console.get_by_role("button", name="Pause").click()
    expect(lab.locator("#countdown")).to_contain_text("Paused")
    console.get_by_role("button", name="Resume").click()
    expect(lab.locator("#status")).to_contain_text("Running")
    expect(console.get_by_role("button", name="Extend")).to_be_disabled()
    expect(console.locator("#extend-note")).to_contain_text("no deadline")
    expect(phone.locator("#countdown")).to_have_text("No deadline")

    # Anthropic makes a free-form move and estimates its chance; OpenAI acts and is in
    submit_free_form(lab, XSS)
    expect(lab.locator("#my-moves")).to_contain_text(XSS)
    lab.locator("#my-moves input[type=number]").fill("60")
    lab.get_by_role("button", name="Send estimate").click()
    expect(lab.locator("#notice")).to_contain_text("Estimate sent")
    open_action(lab, "run_safety_evals")
    lab.fill("#act-run_safety_evals-why", "A draft, typed while the world moves")
    submit_action(phone, "mobilize_crisis_team")
    expect(phone.locator("#my-moves")).to_contain_text("Put more staff on the crisis")
    phone.get_by_role("button", name="I have made all my moves").click()
    expect(console.locator("#seats")).to_contain_text("in")
    expect(console.locator("#turn-moves")).to_contain_text(
        "OpenAI (CEO): Put more staff on the crisis"
    )

    # a private message from OpenAI to Anthropic
    phone.check("#to-some")
    phone.check("#to-anthropic")
    phone.fill("#message-body", "Shall we talk about the button?")
    phone.get_by_role("button", name="Send", exact=True).click()
    expect(lab.locator("#messages")).to_contain_text("Shall we talk about the button?")
    expect(lab.locator("#messages")).to_contain_text("OpenAI (CEO) to Anthropic (CEO)")
    expect(console.locator("#messages")).to_contain_text("Shall we talk about the button?")

    # the facilitator sees the move with the estimate, rules it a success, closes the turn
    ruling = console.locator("#rulings form.ruling")
    expect(ruling).to_contain_text(XSS)
    expect(ruling).to_contain_text("mean 60%")
    expect(ruling.get_by_label("Chance of success (%)")).to_have_value("60")
    ruling.locator("input[value=outcome]").check()
    ruling.locator("select[name=result]").select_option("success")
    ruling.locator("textarea[name=narrative]").fill("Anthropic's gambit buys a week.")
    ruling.get_by_role("button", name="Rule").click()
    expect(console.locator("#rulings")).to_contain_text("None waiting")
    expect(lab.locator("#results")).to_contain_text("Outcome: success")
    console.get_by_role("button", name="Close the turn").click()
    for page in (console, lab, phone):
        expect(page.locator("#status")).to_contain_text("Month 1 of 12 (resolved)")
        expect(page.locator("#results")).to_contain_text("Anthropic's gambit buys a week.")
    expect(lab.locator("#results")).to_contain_text("Free-form move: succeeded")
    # a draft typed before all these updates is still there, untouched
    expect(lab.locator("#act-run_safety_evals-why")).to_have_value(
        "A draft, typed while the world moves"
    )
    expect(phone.locator("#results")).to_contain_text("Put more staff on the crisis")

    # turn 2: Anthropic replaces a move, both players are in, the turn closes by itself
    console.get_by_role("button", name="Open the next turn").click()
    for page in (console, lab, phone):
        expect(page.locator("#status")).to_contain_text("Month 2 of 12 (open)")
    submit_action(lab, "add_alignment_datasets")
    lab.locator("#my-moves").get_by_role("button", name="Replace").click()
    lab.fill("#act-add_alignment_datasets-count", "2")
    lab.locator("#act-add_alignment_datasets button.submit").click()
    expect(lab.locator("#notice")).to_contain_text("Move replaced")
    expect(lab.locator("#my-moves .move")).to_have_count(1)
    expect(lab.locator("#my-moves")).to_contain_text("count: 2")
    # both press the pause button (a free action): a private channel opens for the two
    submit_action(lab, "press_pause_button")
    submit_action(phone, "press_pause_button")
    lab.get_by_role("button", name="I have made all my moves").click()
    phone.get_by_role("button", name="I have made all my moves").click()
    for page in (console, lab, phone):
        expect(page.locator("#status")).to_contain_text("Month 2 of 12 (resolved)")
        expect(page.locator("#results [data-turn='2']")).to_contain_text("What happened")
    expect(lab.locator("#results [data-turn='2']")).to_contain_text("Add alignment datasets")
    expect(lab.locator("#results")).to_contain_text("The pause button: a private channel is open")
    expect(console.locator("#commitments")).to_contain_text(
        "Signalled by Anthropic (CEO), OpenAI (CEO)"
    )
    lab.get_by_label("Private channel: The pause button").check()
    lab.fill("#message-body", "Just us two here.")
    lab.get_by_role("button", name="Send", exact=True).click()
    expect(phone.locator("#messages")).to_contain_text("on the channel “The pause button”")
    expect(phone.locator("#messages")).to_contain_text("Just us two here.")

    facilitator.screenshot("console-laptop")
    anthropic.screenshot("player-laptop")
    openai.screenshot("player-phone")
    for page in (console, lab, phone):
        assert people.accessibility_problems(page) == []
    assert lab.evaluate("window.__xss") is None
    assert console.evaluate("window.__xss") is None
    assert people.errors() == []
