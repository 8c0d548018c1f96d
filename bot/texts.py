"""Every text the bot sends (Russian, Telegram HTML).  No aiogram here: ``scripts/set_webhook.py`` reads COMMANDS."""

from __future__ import annotations

from html import escape

from filmhub.accounts.service import BUILTIN_LISTS
from filmhub.accounts.telegram_login import AuthKeyProblem
from filmhub.core.entities import Film

#: The command menu (``setMyCommands``) and the list in the greeting and /help.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("search", "найти фильм по названию"),
    ("wish", "хочу посмотреть"),
    ("liked", "мои любимые"),
    ("watched", "просмотренные"),
    ("recommend", "подобрать фильм под настроение"),
    ("share", "ссылка на список: /share wish, liked или watched"),
    ("help", "что умеет бот"),
)

LIST_TITLES: dict[str, str] = {builtin.list_type: builtin.title for builtin in BUILTIN_LISTS}
LIST_BUTTONS: dict[str, str] = {"liked": "♥", "wish": "хочу", "watched": "смотрел"}
CHECKED = "✅ "

_COMMAND_LIST = "\n".join(f"/{command} — {description}" for command, description in COMMANDS)
GREETING = (
    "Привет! Я бот <b>FilmHub</b>: помогу найти фильм, вести списки и подобрать кино под настроение.\n\n"
    f"{_COMMAND_LIST}\n\nМожно просто написать название фильма."
)
HELP = (
    f"{_COMMAND_LIST}\n\n"
    "Кнопки под фильмом добавляют его в списки и убирают из них: ♥ — «Мои любимые», "
    "«хочу» — «Хочу посмотреть», «смотрел» — «Просмотренные». Отмеченные кнопки — с галочкой.\n"
    "Чтобы войти на сайт через Telegram, нажмите там «Войти через Telegram»."
)
UNKNOWN_COMMAND = "Не знаю такой команды. Список команд — /help"

CONFIRM = "✅ Подтвердить"
DECLINE = "❌ Отклонить"
LOGIN_DECLINED = "❌ Вход отклонён. Если это были вы, начните вход на сайте заново."
KEY_PROBLEMS: dict[AuthKeyProblem, str] = {
    AuthKeyProblem.UNKNOWN: "Ссылка для входа недействительна. Начните вход на сайте заново.",
    AuthKeyProblem.EXPIRED: "Ссылка для входа устарела: она действует 10 минут. Начните вход на сайте заново.",
    AuthKeyProblem.DECLINED: "Этот вход уже отклонён. Начните вход на сайте заново.",
    AuthKeyProblem.USED: "Эта ссылка для входа уже использована.",
}

SEARCH_HINT = "Напишите название фильма, например: <code>/search Брат</code>"
ASK_MOOD = "Какое у вас настроение?"
MORE = "🎲 ещё"
NOTHING_TO_RECOMMEND = "Не нашлось подходящего фильма. Попробуйте другое настроение."
MOOD_GONE = "Такого настроения больше нет. Выберите снова: /recommend"
FILM_GONE = "Этого фильма больше нет в каталоге."
PAGE_EXPIRED = "Список устарел, показываю его сначала."
PREVIOUS_PAGE = "◀"
NEXT_PAGE = "▶"
SORRY = "Что-то пошло не так. Попробуйте ещё раз чуть позже."
SHARE = "🔗 Поделиться списком"
SHARE_HINT = "Каким списком поделиться? /share wish, /share liked или /share watched"

DESCRIPTION_LIMIT = 600


def _person(full_name: str, username: str | None) -> str:
    name = f"<b>{escape(full_name)}</b>"
    return f"{name} (@{escape(username)})" if username else name


def login_prompt(full_name: str, username: str | None) -> str:
    return (
        "🔐 <b>Вход на сайт FilmHub</b>\n\n"
        f"Входит: {_person(full_name, username)}.\n"
        "Если вход начали вы, нажмите «Подтвердить». Если нет — «Отклонить»."
    )


def login_confirmed(full_name: str, username: str | None) -> str:
    return (
        f"✅ Готово! Вы вошли на сайт FilmHub как {_person(full_name, username)}. "
        "Вернитесь на сайт — страница обновится сама."
    )


def too_many_requests(retry_after_seconds: int) -> str:
    return f"Слишком много запросов. Попробуйте снова через {retry_after_seconds} с."


def nothing_found(query: str) -> str:
    return f"По запросу «{escape(query)}» ничего не нашлось."


def film_title(film: Film) -> str:
    return f"{film.title} ({film.release_year})" if film.release_year else film.title


def film_card(film: Film) -> str:
    details = " · ".join(part for part in (film.country, ", ".join(g.name for g in film.genres)) if part)
    description = film.description
    if len(description) > DESCRIPTION_LIMIT:
        description = description[: DESCRIPTION_LIMIT - 1].rstrip() + "…"
    head = f"🎬 <b>{escape(film_title(film))}</b>" + (f"\n{escape(details)}" if details else "")
    return f"{head}\n\n{escape(description)}"


def toggled(kind: str, on: bool) -> str:
    title = LIST_TITLES[kind]
    return f"Добавлено в «{title}»" if on else f"Убрано из «{title}»"


def list_page(kind: str, page: int, films: list[Film], first_number: int) -> str:
    header = f"<b>{LIST_TITLES[kind]}</b>" + (f" · страница {page + 1}" if page else "")
    if not films:
        empty = "Здесь пока пусто. Найдите фильм: /search Название" if page == 0 else "Дальше пусто."
        return f"{header}\n\n{empty}"
    lines = [f"{number}. {escape(film_title(film))}" for number, film in enumerate(films, start=first_number)]
    return header + "\n\n" + "\n".join(lines)


def share_link(kind: str, page_url: str) -> str:
    """The list's public link; Telegram previews it (title, first poster), so the message shows the list."""
    return (
        f"🔗 Ссылка на список «{LIST_TITLES[kind]}»: {escape(page_url)}\n\n"
        "Её может открыть любой, у кого она есть, без входа. Отозвать ссылку можно на сайте."
    )
