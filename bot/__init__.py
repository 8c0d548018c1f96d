"""The Telegram webhook function (aiogram 3): login confirmation and a small FilmHub client."""
