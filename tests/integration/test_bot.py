"""The Telegram bot over moto through the route table: Update JSON in through ``POST /telegram/webhook``, Bot API
calls recorded by a fake session, and the table checked after every step."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, EditMessageText, SendMessage

from bot import texts
from bot.handlers.lists import PAGE_SIZE
from bot.services import Services
from filmhub import wiring
from filmhub.accounts.dynamo import DynamoAccountRepository
from filmhub.accounts.telegram_login import AuthKeyProblem, TelegramLogin
from filmhub.core.entities import Film, FilmType, FilmView
from filmhub.core.errors import NotFound
from filmhub.seed.catalog import MOODS
from filmhub.seed.seeder import seed_catalog
from filmhub.settings import get_settings
from filmhub.table.models import (
    AuthKeyItem,
    BotPageCursor,
    CounterItem,
    ProcessedUpdate,
    Recommendation,
    ShareItem,
    TableItem,
    TelegramClaim,
    UserItem,
    WatchlistItem,
)
from filmhub.wiring import film_reader, telegram_login_service, watchlist_service
from tests.support.api import ApiClient, ApiResponse
from tests.support.clock import FrozenClock
from tests.support.fixtures import make_films
from tests.support.telegram import (
    IVAN,
    RecordingSession,
    TelegramChat,
    button_texts,
    buttons,
    callback_update,
    message_update,
    telegram_bot,
)

pytestmark = pytest.mark.usefixtures("aws")

WISH, LIKED, WATCHED = "хочу", "♥", "смотрел"


@pytest.fixture
def clock() -> FrozenClock:
    """The clock of the bot's accounts service (the site keeps real time): ten minutes pass at will."""
    return FrozenClock(time.time())


@pytest.fixture
def chat(monkeypatch: pytest.MonkeyPatch, api: ApiClient, clock: FrozenClock) -> Iterator[TelegramChat]:
    seed_catalog()
    logins = TelegramLogin(DynamoAccountRepository(), clock=clock)
    with telegram_bot(monkeypatch, Services(telegram_login=lambda: logins)) as session:
        yield TelegramChat(api, session)


def table_items(kind: type[TableItem]) -> list[Any]:
    # A Scan is fine in a test: it proves what was (not) written.
    return [item for item in TableItem.scan() if isinstance(item, kind)]


def ivan_user_id() -> str:
    return TelegramClaim.get(*TelegramClaim.key(IVAN["id"])).user_id


def list_films(user_id: str, kind: str) -> list[str]:
    return [view.film.id for view in watchlist_service().items(user_id, kind).films]


def recommendations(user_id: str) -> list[str]:
    return [item.film_id for item in Recommendation.query(f"USER#{user_id}", Recommendation.SK.startswith("REC#"))]


def sent_texts(session: RecordingSession) -> list[str]:
    return [call.text for call in session.of(SendMessage)]


def new_key(api: ApiClient) -> str:
    response = api.post("/auth/telegram/get_auth_key")
    assert response.status == 201
    return response.json["auth_key"]


def check(api: ApiClient, key: str) -> Any:
    return api.post("/auth/telegram/check_auth_key", json_body={"tg_code": key})


# --- the webhook --------------------------------------------------------------------------


def test_a_wrong_secret_is_401_and_changes_nothing(chat: TelegramChat) -> None:
    make_films(1, "Солярис")
    for text in ("/wish", "/search Солярис", "/start"):
        for secret in (None, "not-the-secret"):
            assert chat.deliver(message_update(1, IVAN, text), secret=secret).status == 401
    assert chat.session.calls == []
    assert table_items(ProcessedUpdate) == []
    assert table_items(UserItem) == []
    assert table_items(TelegramClaim) == []


def _wished_comedies(count: int) -> list[Film]:
    """Films of Ivan's wish list that fit the first mood: its recommendations, deterministically (wish list first)."""
    user_id = ivan_user_id()
    films = make_films(count, "Кино")  # genres комедия, мультфильм, …: the first mood's
    for film in films:
        watchlist_service().add(user_id, "wish", film.id)
    return films


def test_a_redelivered_update_acts_once(chat: TelegramChat) -> None:
    chat.send("/watched")  # creates the user
    _wished_comedies(1)
    chat.send("/recommend")
    moods = chat.last
    [data] = [b.callback_data for b in buttons(moods.reply_markup) if b.text == MOODS[0].name]
    press = callback_update(4242, IVAN, moods, data or "")
    for _ in range(3):  # Telegram's retries after a timeout
        assert chat.deliver(press).status == 200
    assert len(chat.session.of(SendMessage)) == 3  # the empty list, the mood question and one film
    assert len(chat.session.of(AnswerCallbackQuery)) == 1
    assert len(recommendations(ivan_user_id())) == 1
    [claim] = [item for item in table_items(ProcessedUpdate) if item.PK == "TGUPDATE#4242"]
    assert timedelta(hours=23) < claim.expires_at - datetime.now(UTC) <= timedelta(days=1)


# --- login --------------------------------------------------------------------------------


def test_login_through_the_bot_end_to_end(chat: TelegramChat, api: ApiClient) -> None:
    key = new_key(api)
    assert check(api, key).json == {"is_confirmed": False}

    chat.send(f"/start auth_{key}")
    prompt = chat.last
    assert "Иван Петров" in (prompt.text or "")
    assert "@ivan_petrov" in (prompt.text or "")
    assert button_texts(prompt.reply_markup) == [texts.CONFIRM, texts.DECLINE]
    assert check(api, key).json == {"is_confirmed": False}

    chat.press(texts.CONFIRM)
    [edit] = chat.session.of(EditMessageText)
    assert edit.message_id == prompt.message_id
    assert (edit.text or "").startswith("✅ Готово!")
    assert edit.reply_markup is None  # the buttons are gone
    assert len(chat.session.of(AnswerCallbackQuery)) == 1

    assert check(api, key).json == {"is_confirmed": True}
    login = api.post("/auth/telegram/login", json_body={"tg_code": key})
    assert login.status == 201
    user = login.json
    assert (user["telegram_id"], user["username"], user["email"]) == (IVAN["id"], "ivan_petrov", None)
    me = api.get("/me", token=user["token"])
    assert me.status == 200
    assert me.json["id"] == user["id"] == ivan_user_id()
    # The new account has its built-in lists.
    assert api.get("/me/watchlists/wish", token=user["token"]).json["title"] == "Хочу посмотреть"


def test_login_links_the_account_the_bot_already_acts_for(chat: TelegramChat, api: ApiClient) -> None:
    chat.send("/liked")  # first contact: the bot creates the user
    user_id = ivan_user_id()
    key = new_key(api)
    chat.send(f"/start auth_{key}")
    chat.press(texts.CONFIRM)
    assert api.post("/auth/telegram/login", json_body={"tg_code": key}).json["id"] == user_id
    assert len(table_items(UserItem)) == 1


def test_first_contacts_at_the_same_time_create_one_user_with_its_lists() -> None:
    logins = telegram_login_service()
    barrier = threading.Barrier(4)

    def first_contact() -> str:
        barrier.wait()
        return logins.telegram_user_id(IVAN["id"], "ivan_petrov")

    with ThreadPoolExecutor(4) as pool:
        user_ids = set(pool.map(lambda _: first_contact(), range(4)))
    assert user_ids == {ivan_user_id()}
    [user] = table_items(UserItem)
    assert (user.id, user.username, user.telegram_id) == (ivan_user_id(), "ivan_petrov", IVAN["id"])
    assert {header.list_type for header in WatchlistItem.gsi1.query(f"USER#{user.id}#LISTS")} == {
        "liked",
        "wish",
        "watched",
    }


def test_decline(chat: TelegramChat, api: ApiClient) -> None:
    key = new_key(api)
    chat.send(f"/start auth_{key}")
    chat.press(texts.DECLINE)
    [edit] = chat.session.of(EditMessageText)
    assert (edit.text, edit.reply_markup) == (texts.LOGIN_DECLINED, None)
    assert AuthKeyItem.get(*AuthKeyItem.key(key)).state == "declined"
    assert check(api, key).status == 400
    assert table_items(UserItem) == []


def test_an_expired_key_gets_a_clear_message_and_stays_unused(
    chat: TelegramChat, api: ApiClient, clock: FrozenClock
) -> None:
    shown, late = new_key(api), new_key(api)
    chat.send(f"/start auth_{shown}")  # buttons shown while the key is fresh …
    clock.now += 10 * 60 + 1
    chat.press(texts.CONFIRM)  # … pressed after ten minutes
    assert chat.session.of(EditMessageText)[0].text == texts.KEY_PROBLEMS[AuthKeyProblem.EXPIRED]
    chat.send(f"/start auth_{late}")
    assert chat.last.text == texts.KEY_PROBLEMS[AuthKeyProblem.EXPIRED]
    assert chat.last.reply_markup is None
    assert {AuthKeyItem.get(*AuthKeyItem.key(key)).state for key in (shown, late)} == {"pending"}
    assert table_items(UserItem) == []


@pytest.mark.parametrize("key", ["A" * 43, "short", "../../etc", "x" * 300])
def test_an_unknown_key_gets_a_clear_message(chat: TelegramChat, key: str) -> None:
    chat.send(f"/start auth_{key}")
    assert sent_texts(chat.session) == [texts.KEY_PROBLEMS[AuthKeyProblem.UNKNOWN]]


def test_a_used_key_gets_a_clear_message(chat: TelegramChat, api: ApiClient) -> None:
    key = new_key(api)
    chat.send(f"/start auth_{key}")
    prompt = chat.last
    chat.press(texts.CONFIRM)
    chat.send(f"/start auth_{key}")  # confirmed, not yet used on the site
    assert chat.last.text == texts.KEY_PROBLEMS[AuthKeyProblem.USED]
    chat.press(texts.DECLINE, prompt)  # the old prompt's other button, as Telegram still has it
    assert chat.session.of(EditMessageText)[-1].text == texts.KEY_PROBLEMS[AuthKeyProblem.USED]
    assert AuthKeyItem.get(*AuthKeyItem.key(key)).state == "activated"
    api.post("/auth/telegram/login", json_body={"tg_code": key})
    chat.send(f"/start auth_{key}")
    assert chat.last.text == texts.KEY_PROBLEMS[AuthKeyProblem.USED]


# --- search and the list buttons ------------------------------------------------------------


def test_search_sends_up_to_five_cards_with_list_buttons(chat: TelegramChat) -> None:
    films = make_films(7, "Солярис")
    chat.send("/search солярис")
    cards = chat.session.of(SendMessage)
    assert len({card.text for card in cards}) == 5
    assert {card.text for card in cards} <= {texts.film_card(film) for film in films}
    assert all(button_texts(card.reply_markup) == [LIKED, WISH, WATCHED] for card in cards)


def test_plain_text_searches_too(chat: TelegramChat) -> None:
    make_films(1, "Сталкер")
    chat.send("Сталкер")
    assert (chat.last.text or "").startswith("🎬 <b>Сталкер 0")


def test_search_without_a_title_or_without_results(chat: TelegramChat) -> None:
    chat.send("/search")
    chat.send("/search Несуществующий фильм")
    assert sent_texts(chat.session) == [texts.SEARCH_HINT, texts.nothing_found("Несуществующий фильм")]


def test_search_is_held_to_the_search_limit_of_the_http_api(
    chat: TelegramChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    limited = get_settings().model_copy(update={"rate_limit_search": 2, "rate_limit_window_seconds": 3600})
    monkeypatch.setattr(wiring, "get_settings", lambda: limited)
    wiring.reset()
    for _ in range(3):
        chat.send("/search Несуществующий фильм")
    retry_after = 3600 - int(time.time()) % 3600
    assert sent_texts(chat.session)[:2] == [texts.nothing_found("Несуществующий фильм")] * 2
    assert sent_texts(chat.session)[2] in {texts.too_many_requests(s) for s in (retry_after, retry_after - 1)}
    window = int(time.time() // 3600)
    assert CounterItem.get(*CounterItem.key("requests-search", f"user:{ivan_user_id()}", window)).count == 3


def test_list_buttons_put_the_film_in_and_out_of_each_list(chat: TelegramChat) -> None:
    [film] = make_films(1, "Солярис")
    chat.send("/search Солярис")
    card = chat.last
    user_id = ivan_user_id()

    chat.press(WISH)
    assert chat.session.of(AnswerCallbackQuery)[-1].text == "Добавлено в «Хочу посмотреть»"
    assert button_texts(chat.session.of(EditMessageReplyMarkup)[-1].reply_markup) == [LIKED, "✅ хочу", WATCHED]
    assert list_films(user_id, "wish") == [film.id]

    chat.press(LIKED)
    chat.press(WATCHED)
    assert button_texts(chat.messages[-1].reply_markup) == ["✅ ♥", "✅ хочу", "✅ смотрел"]
    assert (list_films(user_id, "liked"), list_films(user_id, "watched")) == ([film.id], [film.id])
    assert chat.session.of(EditMessageReplyMarkup)[-1].message_id == card.message_id

    chat.press("✅ хочу")
    assert chat.session.of(AnswerCallbackQuery)[-1].text == "Убрано из «Хочу посмотреть»"
    assert list_films(user_id, "wish") == []
    assert film_reader().page([film.id], user_id)[0].flags.is_liked


def test_a_stale_button_sets_the_state_it_shows_instead_of_flipping(chat: TelegramChat) -> None:
    [film] = make_films(1, "Солярис")
    chat.send("/search Солярис")
    stale = chat.last
    user_id = ivan_user_id()
    watchlist_service().add(user_id, "wish", film.id)  # meanwhile, on the site
    chat.press(WISH, stale)
    assert list_films(user_id, "wish") == [film.id]
    watchlist_service().remove(user_id, "wish", film.id)  # and out again
    chat.press("✅ хочу")
    assert chat.session.of(AnswerCallbackQuery)[-1].text == "Убрано из «Хочу посмотреть»"
    assert list_films(user_id, "wish") == []
    assert button_texts(chat.last.reply_markup) == [LIKED, WISH, WATCHED]


# --- lists ----------------------------------------------------------------------------------


def _wish_list_of(user_id: str, count: int) -> list[Film]:
    films = make_films(count, "Фильм из списка")
    for film in films:
        watchlist_service().add(user_id, "wish", film.id)
    return films[::-1]  # newest first


def test_lists_page_forward_and_back(chat: TelegramChat) -> None:
    chat.send("/watched")  # creates the user
    films = _wish_list_of(ivan_user_id(), 2 * PAGE_SIZE + 2)
    chat.send("/wish")
    first = chat.last
    pages = [films[:5], films[5:10], films[10:]]
    assert first.text == texts.list_page("wish", 0, pages[0], 1)
    film_buttons = [f"{n}. {film.title} ({film.release_year})" for n, film in enumerate(pages[0], 1)]
    assert button_texts(first.reply_markup) == [*film_buttons, texts.NEXT_PAGE, texts.SHARE]

    chat.press(texts.NEXT_PAGE)
    assert chat.last.text == texts.list_page("wish", 1, pages[1], 6)
    assert button_texts(chat.last.reply_markup)[-3:] == [texts.PREVIOUS_PAGE, texts.NEXT_PAGE, texts.SHARE]
    chat.press(texts.NEXT_PAGE)
    assert chat.last.text == texts.list_page("wish", 2, pages[2], 11)
    assert button_texts(chat.last.reply_markup)[-2:] == [texts.PREVIOUS_PAGE, texts.SHARE]
    assert texts.NEXT_PAGE not in button_texts(chat.last.reply_markup)
    chat.press(texts.PREVIOUS_PAGE)
    assert chat.last.text == texts.list_page("wish", 1, pages[1], 6)
    chat.press(texts.PREVIOUS_PAGE)
    assert chat.last.text == first.text
    assert texts.PREVIOUS_PAGE not in button_texts(chat.last.reply_markup)
    # One message, edited in place; every button fits Telegram's callback data limit.
    assert len(chat.messages) == 2
    assert {edit.message_id for edit in chat.session.of(EditMessageText)} == {first.message_id}
    for call in chat.session.of(SendMessage) + chat.session.of(EditMessageText):
        assert all(len((b.callback_data or "").encode()) <= 64 for b in buttons(call.reply_markup))


def test_an_empty_list(chat: TelegramChat) -> None:
    chat.send("/liked")
    assert chat.last.text == "<b>Мои любимые</b>\n\nЗдесь пока пусто. Найдите фильм: /search Название"
    assert chat.last.reply_markup is None


def test_an_expired_page_starts_the_list_over(chat: TelegramChat) -> None:
    chat.send("/watched")
    films = _wish_list_of(ivan_user_id(), PAGE_SIZE + 1)
    chat.send("/wish")
    for item in table_items(BotPageCursor):  # what the TTL does after a week
        item.delete()
    chat.press(texts.NEXT_PAGE)
    assert chat.session.of(AnswerCallbackQuery)[-1].text == texts.PAGE_EXPIRED
    assert chat.last.text == texts.list_page("wish", 0, films[:PAGE_SIZE], 1)


def _shared_page(text: str) -> ApiResponse:
    """The public page the link in ``text`` opens (the bot's links point where its webhook was called)."""
    page_url = re.search(r"http://api\.test(/l/[\w-]+)", text)
    assert page_url is not None, text
    return ApiClient().get(page_url.group(1))


def test_share_button_sends_the_lists_live_link_with_a_preview(chat: TelegramChat) -> None:
    chat.send("/watched")
    films = _wish_list_of(ivan_user_id(), 2)
    chat.send("/wish")
    chat.press(texts.SHARE)
    link = chat.session.of(SendMessage)[-1]
    assert link.text.startswith("🔗 Ссылка на список «Хочу посмотреть»: http://api.test/l/")
    assert link.link_preview_options is not None
    assert link.link_preview_options.is_disabled is False  # the bot turns previews off elsewhere
    page = _shared_page(link.text)
    assert page.status == 200
    assert all(film.title in page.body.decode() for film in films)
    chat.send("/share wish")
    assert chat.session.of(SendMessage)[-1].text == link.text  # the same live link
    assert len(table_items(ShareItem)) == 1


def test_share_command_for_each_list_and_a_hint_without_one(chat: TelegramChat) -> None:
    chat.send("/share")
    assert chat.last.text == texts.SHARE_HINT
    chat.send("/share всё")
    assert chat.last.text == texts.SHARE_HINT
    chat.send("/share liked")
    assert "«Мои любимые»" in chat.last.text
    assert _shared_page(chat.last.text).status == 200
    watchlist_service_shares = {item.list_type for item in table_items(ShareItem)}
    assert watchlist_service_shares == {"liked"}


def test_an_empty_list_has_no_share_button(chat: TelegramChat) -> None:
    chat.send("/wish")
    assert chat.last.reply_markup is None


def test_a_film_opened_from_a_list_can_be_taken_out_of_it(chat: TelegramChat) -> None:
    chat.send("/watched")
    user_id = ivan_user_id()
    [film] = _wish_list_of(user_id, 1)
    chat.send("/wish")
    chat.press(f"1. {film.title} ({film.release_year})")
    card = chat.last
    assert card.text == texts.film_card(film)
    assert button_texts(card.reply_markup) == [LIKED, "✅ хочу", WATCHED]
    chat.press("✅ хочу")
    assert list_films(user_id, "wish") == []


# --- recommendations --------------------------------------------------------------------------


def test_recommend_asks_the_mood_then_sends_a_film_with_list_buttons_and_more(chat: TelegramChat) -> None:
    chat.send("/watched")
    films = _wished_comedies(2)
    chat.send("/recommend")
    assert chat.last.text == texts.ASK_MOOD
    assert sorted(button_texts(chat.last.reply_markup)) == sorted(mood.name for mood in MOODS)

    chat.press(MOODS[0].name)
    card = chat.last
    user_id = ivan_user_id()
    [recommended] = recommendations(user_id)
    [film] = [film for film in films if film.id == recommended]
    assert card.text == texts.film_card(film)
    rows = card.reply_markup.inline_keyboard if card.reply_markup else []
    assert [[button.text for button in row] for row in rows] == [[LIKED, "✅ хочу", WATCHED], [texts.MORE]]

    chat.press(LIKED)
    assert button_texts(chat.messages[-1].reply_markup) == ["✅ ♥", "✅ хочу", WATCHED, texts.MORE]
    assert list_films(user_id, "liked") == [recommended]

    chat.press(texts.MORE)
    assert len(chat.messages) == 4  # the empty list, the moods, two films
    [other] = [film for film in films if film.id != recommended]
    assert chat.last.text == texts.film_card(other)  # not recommended again within 24 hours
    assert sorted(recommendations(user_id)) == sorted(film.id for film in films)


class NothingFits:
    def recommend(self, user_id: str, mood_ids: Any, genre_ids: Any, movie_type: FilmType | None) -> FilmView:
        raise NotFound("No suitable film found")


def test_recommend_when_nothing_fits(monkeypatch: pytest.MonkeyPatch, api: ApiClient) -> None:
    seed_catalog()
    with telegram_bot(monkeypatch, Services(recommendations=NothingFits)) as session:
        chat = TelegramChat(api, session)
        chat.send("/recommend")
        chat.press(MOODS[1].name)
    answer = session.of(AnswerCallbackQuery)[-1]
    assert (answer.text, answer.show_alert) == (texts.NOTHING_TO_RECOMMEND, True)
    assert len(session.of(SendMessage)) == 1
