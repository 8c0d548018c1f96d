"""PynamoDB models of the single table, with their key builders.

Every entity is a subclass of :class:`TableItem` told apart by the ``kind`` discriminator, so a
Query or BatchGetItem over mixed keys returns the right classes.  The key layout and the access
pattern each key serves are documented in ``TABLE.md`` beside this module; keep them in step.
"""

from __future__ import annotations

import base64
import uuid
import zlib
from collections.abc import Callable
from typing import Any, cast

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, LocalSecondaryIndex
from pynamodb.models import Model

from filmhub.settings import get_settings

_settings = get_settings()


def _string_list(*, null: bool = False, default: Callable[[], list[str]] | None = None) -> ListAttribute[str]:
    """A list of strings.  PynamoDB types ``of`` as the element's Python type, though it takes an attribute
    class, so ``ListAttribute(of=UnicodeAttribute)`` would read as a list of attributes."""
    return cast("ListAttribute[str]", ListAttribute(of=UnicodeAttribute, null=null, default=default))


class _IndexMeta:
    projection = AllProjection()


class GSI1(GlobalSecondaryIndex["TableItem"]):
    class Meta(_IndexMeta):
        index_name = "GSI1"

    GSI1PK = UnicodeAttribute(hash_key=True)
    GSI1SK = UnicodeAttribute(range_key=True)


class GSI2(GlobalSecondaryIndex["TableItem"]):
    class Meta(_IndexMeta):
        index_name = "GSI2"

    GSI2PK = UnicodeAttribute(hash_key=True)
    GSI2SK = UnicodeAttribute(range_key=True)


class GSI3(GlobalSecondaryIndex["TableItem"]):
    class Meta(_IndexMeta):
        index_name = "GSI3"

    GSI3PK = UnicodeAttribute(hash_key=True)
    GSI3SK = UnicodeAttribute(range_key=True)


class GSI4(GlobalSecondaryIndex["TableItem"]):
    class Meta(_IndexMeta):
        index_name = "GSI4"

    GSI4PK = UnicodeAttribute(hash_key=True)
    GSI4SK = UnicodeAttribute(range_key=True)


class GSI5(GlobalSecondaryIndex["TableItem"]):
    class Meta(_IndexMeta):
        index_name = "GSI5"

    GSI5PK = UnicodeAttribute(hash_key=True)
    GSI5SK = UnicodeAttribute(range_key=True)


class LSI1(LocalSecondaryIndex["TableItem"]):
    class Meta(_IndexMeta):
        index_name = "LSI1"

    PK = UnicodeAttribute(hash_key=True)
    LSI1SK = UnicodeAttribute(range_key=True)


class TableItem(Model):
    """Base of every item: the keys and the overloaded index attributes."""

    class Meta:
        table_name = _settings.table_name
        region = _settings.aws_region
        host = _settings.dynamodb_endpoint_url
        connect_timeout_seconds = 2
        read_timeout_seconds = 5
        max_retry_attempts = 3

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()

    GSI1PK = UnicodeAttribute(null=True)
    GSI1SK = UnicodeAttribute(null=True)
    GSI2PK = UnicodeAttribute(null=True)
    GSI2SK = UnicodeAttribute(null=True)
    GSI3PK = UnicodeAttribute(null=True)
    GSI3SK = UnicodeAttribute(null=True)
    GSI4PK = UnicodeAttribute(null=True)
    GSI4SK = UnicodeAttribute(null=True)
    GSI5PK = UnicodeAttribute(null=True)
    GSI5SK = UnicodeAttribute(null=True)
    LSI1SK = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)
    #: On a collection header (list, mix): a delete has started; the header goes once every entry is gone.
    deleting = BooleanAttribute(null=True)

    gsi1 = GSI1()
    gsi2 = GSI2()
    gsi3 = GSI3()
    gsi4 = GSI4()
    gsi5 = GSI5()
    lsi1 = LSI1()

    @classmethod
    def from_raw_data(cls, data: dict[str, Any]) -> Any:
        item = super().from_raw_data(data)
        item.loaded_from(data)
        return item

    def loaded_from(self, attribute_values: dict[str, dict[str, Any]]) -> None:
        """After loading from DynamoDB: a hook for items with attributes the model does not declare."""


# --- accounts -----------------------------------------------------------------------------


class UserItem(TableItem, discriminator="user"):
    id = UnicodeAttribute()
    username = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    telegram_id = NumberAttribute(null=True)
    password_hash = UnicodeAttribute(null=True)
    role = UnicodeAttribute(default="user")
    created_at = UnicodeAttribute()

    @staticmethod
    def key(user_id: str) -> tuple[str, str]:
        return f"USER#{user_id}", "PROFILE"


class EmailClaim(TableItem, discriminator="email_claim"):
    """Makes an email unique: created with the user in one transaction, conditional on absence."""

    user_id = UnicodeAttribute()

    @staticmethod
    def key(email: str) -> tuple[str, str]:
        return f"EMAIL#{email}", "EMAIL"


class TelegramClaim(TableItem, discriminator="telegram_claim"):
    """Makes a Telegram account unique and finds its user."""

    user_id = UnicodeAttribute()

    @staticmethod
    def key(telegram_id: int) -> tuple[str, str]:
        return f"TG#{telegram_id}", "TG"


class AuthKeyItem(TableItem, discriminator="auth_key"):
    """A Telegram login key: pending -> activated | declined, then consumed; TTL 10 minutes."""

    state = UnicodeAttribute()
    user_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()

    @staticmethod
    def key(auth_key: str) -> tuple[str, str]:
        return f"AUTHKEY#{auth_key}", "AUTHKEY"


class CounterItem(TableItem, discriminator="counter"):
    """A fixed-window counter (failed logins, request limits) that expires with its window."""

    #: Stored as ``count``; named ``hits`` in Python because ``count`` would shadow ``Model.count()``.
    hits = NumberAttribute(default=0, attr_name="count")

    @staticmethod
    def key(scope: str, subject: str, window: int) -> tuple[str, str]:
        return f"COUNTER#{scope}#{subject}", f"WINDOW#{window}"


class ProcessedUpdate(TableItem, discriminator="telegram_update"):
    """Telegram update ids already handled by the bot (idempotent webhook); TTL one day."""

    @staticmethod
    def key(update_id: int) -> tuple[str, str]:
        return f"TGUPDATE#{update_id}", "TGUPDATE"


class BotPageCursor(TableItem, discriminator="telegram_page"):
    """A list page cursor behind a short token: cursors outgrow Telegram's 64-byte callback data; TTL 7 days."""

    cursor = UnicodeAttribute()
    #: Token of the page before this one ("" for the first page), for the "back" button.
    previous = UnicodeAttribute(default="")

    @staticmethod
    def key(token: str) -> tuple[str, str]:
        return f"TGPAGE#{token}", "TGPAGE"


# --- films --------------------------------------------------------------------------------


class GenreRef(MapAttribute[str, str]):
    id = UnicodeAttribute()
    name = UnicodeAttribute()


class FilmItem(TableItem, discriminator="film"):
    """A film; in GSI5 (recommendation sampling); owned films also in GSI1 under ``OWNER#<user>``."""

    id = UnicodeAttribute()
    title = UnicodeAttribute()
    original_title = UnicodeAttribute(null=True)
    description = UnicodeAttribute()
    country = UnicodeAttribute(null=True)
    release_year = NumberAttribute(null=True)
    film_type = UnicodeAttribute(default="movie")
    poster_url = UnicodeAttribute(null=True)
    poster_key = UnicodeAttribute(null=True)
    tmdb_id = NumberAttribute(null=True)
    kinopoisk_id = NumberAttribute(null=True)
    owner_id = UnicodeAttribute(null=True)
    #: Denormalized {id, name} pairs: genre names are stable reference data.
    genres = ListAttribute(of=GenreRef, default=list)
    #: The genre ids again as a string set: what a ``contains`` filter on GSI5 can test.
    genre_ids = UnicodeSetAttribute(null=True)
    #: Popularity snapshot (the provider's vote count when imported, 0 for films users create): ranks search
    #: hits; the index entries copy it, so it changes only when the film is edited.
    popularity = NumberAttribute(default=0)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
    #: Every user's ratings: their count and sum in half-points, kept by the rating stream aggregator only.
    rating_count = NumberAttribute(null=True)
    rating_half_points = NumberAttribute(null=True)
    #: The last rating change folded into the two above: ``<stream label>/<sequence number, 40 digits>``.
    rating_position = UnicodeAttribute(null=True)

    @staticmethod
    def key(film_id: str) -> tuple[str, str]:
        return f"FILM#{film_id}", "FILM"

    @staticmethod
    def owner_index_key(owner_id: str, created_at: str, film_id: str) -> tuple[str, str]:
        return f"OWNER#{owner_id}", f"{created_at}#{film_id}"

    @staticmethod
    def sampling_key(film_type: str, film_id: str) -> tuple[str, str]:
        """GSI5: the films of one shard (``sampling_partition`` of the id) by type, then by random id, so a
        random start key samples a type or all of the shard."""
        return sampling_partition(film_id), f"{film_type}#{film_id}"


class ExternalIdClaim(TableItem, discriminator="external_id"):
    """One film per TMDB / Kinopoisk id: imports put this conditionally with the film."""

    film_id = UnicodeAttribute()

    @staticmethod
    def key(provider: str, film_type: str, external_id: int) -> tuple[str, str]:
        return f"EXT#{provider}#{film_type}#{external_id}", "EXT"


def shard_of(film_id: str, shards: int) -> int:
    """A stable shard of a film id (ids are random, so shards fill evenly)."""
    return zlib.crc32(film_id.encode()) % shards


#: GSI5 partitions the films are sampled from: 1,000 film writes a second put 125 on each (TABLE.md).
SAMPLING_SHARDS = 8


def sampling_partition(film_id: str) -> str:
    """The GSI5 partition of a film id's shard; of a random id, a random shard."""
    return f"FILMS#{shard_of(film_id, SAMPLING_SHARDS)}"


def entry_name(film_id: str) -> str:
    """A film's attribute name in an index head: its UUID's 16 bytes in base64url, 22 characters instead of 36."""
    return base64.urlsafe_b64encode(uuid.UUID(film_id).bytes).decode().rstrip("=")


def entry_film_id(name: str) -> str:
    """The film id an index head's attribute names (heads written before the compact names: the UUID text)."""
    if len(name) == len(str(uuid.UUID(int=0))):
        return name
    return str(uuid.UUID(bytes=base64.urlsafe_b64decode(name + "==")))


class IndexHead(TableItem, discriminator="index_head"):
    """The best-ranked films of one search token (see ``films/index.py``): PK ``TW#<title prefix>[#<shard>]``
    or ``DW#<description stem>``, SK ``HEAD``; or every film of a type while it has few (``TYPE#<type>``).

    Each film is a top-level attribute named by its id (``entry_name``: compact) holding its rank, so a write
    adds or drops one film with ``SET``/``REMOVE`` whether or not the item exists yet (a nested map would have
    to exist first).  Bounded: writes keep at most ``HEAD_HARD_CAP`` entries, so the item stays under 1 KB
    whatever the catalog."""

    #: Entries as last counted by a write that read the head; writes that did not read it only add to it.
    size = NumberAttribute(default=0, attr_name="n")
    #: Bumped by every update: a write that read the head is conditional on it (read, merge, write).
    version = NumberAttribute(default=0, attr_name="v")
    #: A film type's head (``TYPE#<type>``) that has had more films than it lists: it lists none any more.
    over = BooleanAttribute(null=True, attr_name="o")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ranks: dict[str, int] = {}
        #: Film id → the attribute naming it, as stored (a head of index 2 names films by their full id).
        self.names: dict[str, str] = {}

    @staticmethod
    def key(partition: str) -> tuple[str, str]:
        return partition, "HEAD"

    def serialize(self, null_check: bool = True) -> dict[str, dict[str, Any]]:
        entries = {entry_name(film_id): {"N": str(rank)} for film_id, rank in self.ranks.items()}
        return {**super().serialize(null_check), **entries}

    def loaded_from(self, attribute_values: dict[str, dict[str, Any]]) -> None:
        # PynamoDB keeps declared attributes only: the film entries are the undeclared numeric ones.
        declared = {attribute.attr_name for attribute in self.get_attributes().values()}
        entries = {name: value for name, value in attribute_values.items() if name not in declared and "N" in value}
        self.names = {entry_film_id(name): name for name in entries}
        self.ranks = {film_id: int(entries[name]["N"]) for film_id, name in self.names.items()}


class GenreMembership(TableItem, discriminator="genre_member"):
    """A film in a genre, twice (``copy`` 0 and 1): GSI5 ``GENRE#<gid>`` / ``<type>#<copy>#<film id>``.

    Film ids are random, so the range from ``<type>#0#<random id>`` to ``<type>#1#<that id>`` is the whole
    genre of that type in a circular order starting at a random film: one Query from a random point always
    reaches a film of the genre when there is one.  Lives in the film's partition (PK ``FILM#<fid>``)."""

    film_id = UnicodeAttribute()

    @staticmethod
    def key(film_id: str, genre_id: str, copy: int) -> tuple[str, str]:
        return f"FILM#{film_id}", f"GENRE#{genre_id}#{copy}"

    @staticmethod
    def sampling_key(genre_id: str, film_type: str, copy: int, film_id: str) -> tuple[str, str]:
        return f"GENRE#{genre_id}", f"{film_type}#{copy}#{film_id}"


class IndexMarker(TableItem, discriminator="index_marker"):
    """Migration progress of one index version: ``done`` once every film is indexed, else the Scan position."""

    done = BooleanAttribute(default=False)
    position = UnicodeAttribute(null=True)
    films = NumberAttribute(default=0)
    removed = NumberAttribute(default=0)

    @staticmethod
    def key(version: str) -> tuple[str, str]:
        return "MIGRATION", version


# --- catalog ------------------------------------------------------------------------------

CATALOG_PARTITION = "CATALOG"


class GenreItem(TableItem, discriminator="genre"):
    id = UnicodeAttribute()
    name = UnicodeAttribute()

    @staticmethod
    def key(genre_id: str) -> tuple[str, str]:
        return CATALOG_PARTITION, f"GENRE#{genre_id}"


class MoodItem(TableItem, discriminator="mood"):
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    genre_ids = _string_list(default=list)

    @staticmethod
    def key(mood_id: str) -> tuple[str, str]:
        return CATALOG_PARTITION, f"MOOD#{mood_id}"


#: LSI1SK of a header item: sorts before every ascending position and after every timestamp,
#: so the first page of a partition's LSI1 Query returns the header together with its members.
HEADER_FIRST_ASCENDING = "!"
HEADER_FIRST_DESCENDING = "~"


class MixItem(TableItem, discriminator="mix"):
    """Mix header: PK ``MIX#<id>``; listed through GSI1 ``MIXES`` in display order."""

    id = UnicodeAttribute()
    title = UnicodeAttribute()
    color1 = UnicodeAttribute()
    color2 = UnicodeAttribute()
    color3 = UnicodeAttribute()
    position = NumberAttribute(default=0)

    @staticmethod
    def key(mix_id: str) -> tuple[str, str]:
        return f"MIX#{mix_id}", "META"

    @staticmethod
    def index_key(position: int, mix_id: str) -> tuple[str, str]:
        return "MIXES", f"{position:06d}#{mix_id}"


class MixEntry(TableItem, discriminator="mix_entry"):
    film_id = UnicodeAttribute()
    position = NumberAttribute()

    @staticmethod
    def key(mix_id: str, film_id: str) -> tuple[str, str]:
        return f"MIX#{mix_id}", f"FILM#{film_id}"

    @staticmethod
    def order_key(position: int, film_id: str) -> str:
        return f"{position:06d}#{film_id}"


# --- lists --------------------------------------------------------------------------------


class WatchlistItem(TableItem, discriminator="watchlist"):
    """List header: PK ``LIST#<id>``; a user's lists through GSI1 ``USER#<id>#LISTS``."""

    id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    title = UnicodeAttribute()
    list_type = UnicodeAttribute()
    color1 = UnicodeAttribute()
    color2 = UnicodeAttribute()
    color3 = UnicodeAttribute()
    created_at = UnicodeAttribute()
    #: The slug of the list's live public link (its ``ShareItem``); absent when the list is not shared.
    share_slug = UnicodeAttribute(null=True)
    #: The owner has set an order (``PUT …/items/order``): entries added afterwards go to the end.
    ordered = BooleanAttribute(null=True)

    @staticmethod
    def key(list_id: str) -> tuple[str, str]:
        return f"LIST#{list_id}", "META"

    @staticmethod
    def index_key(user_id: str, created_at: str, list_id: str) -> tuple[str, str]:
        return f"USER#{user_id}#LISTS", f"{created_at}#{list_id}"


#: Ranks an ordered list can hold (the order body takes at most this many films).
MAX_RANKED_ENTRIES = 1000
_MICROSECONDS_CEILING = 10**16


class WatchlistEntry(TableItem, discriminator="watchlist_entry"):
    """A film in a custom list, read through LSI1 descending (the header ``~`` first).

    Its LSI1SK is one of three shapes, which sort in reading order ``R…`` > ``A…`` > ``2…``: a rank set by
    ``PUT …/items/order`` (``R<inverted rank>``), a film added to an ordered list afterwards (``A<inverted
    time>``, so the first added after the order reads first among them: "goes to the end"), or the add time
    of a list never ordered (``<added_at>``: newest first).
    """

    film_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    added_at = UnicodeAttribute()
    #: The owner's note on this film in this list (≤ 500 characters), shown on the public page too.
    note = UnicodeAttribute(null=True)

    @staticmethod
    def key(list_id: str, film_id: str) -> tuple[str, str]:
        return f"LIST#{list_id}", f"FILM#{film_id}"

    @staticmethod
    def newest_first_key(added_at: str, film_id: str) -> str:
        return f"{added_at}#{film_id}"

    @staticmethod
    def ranked_key(rank: int, film_id: str) -> str:
        return f"R{MAX_RANKED_ENTRIES - 1 - rank:04d}#{film_id}"

    @staticmethod
    def appended_key(added_at_microseconds: int, film_id: str) -> str:
        return f"A{_MICROSECONDS_CEILING - added_at_microseconds:016d}#{film_id}"


class ShareItem(TableItem, discriminator="share"):
    """A list's public link: the unguessable slug → the list and its owner.

    The owner's username is copied here (usernames never change), so the public read needs no user item;
    the list header carries the same slug, and the public read checks both, so a revoked or deleted list
    never shows.
    """

    slug = UnicodeAttribute()
    list_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    list_type = UnicodeAttribute()
    username = UnicodeAttribute()
    created_at = UnicodeAttribute()

    @staticmethod
    def key(slug: str) -> tuple[str, str]:
        return f"SHARE#{slug}", "SHARE"


class FilmState(TableItem, discriminator="film_state"):
    """One item per (user, film): the built-in list flags with the date each was set.

    The flags of a page of films are one BatchGetItem; each built-in list is a sparse GSI
    (GSI2 liked, GSI3 wish, GSI4 watched) keyed ``USER#<id>`` / ``<set_at>#<film_id>``.
    """

    film_id = UnicodeAttribute()
    #: Copied from the film when a flag is set, so recommendations can filter a wish list without reading films.
    genre_ids = _string_list(null=True)
    film_type = UnicodeAttribute(null=True)
    liked_at = UnicodeAttribute(null=True)
    wish_at = UnicodeAttribute(null=True)
    watched_at = UnicodeAttribute(null=True)
    #: The user's score of the film in half-points, copied here in the rating's own transaction so that every
    #: film page gets it with the flags, in the BatchGetItem it makes anyway.
    my_half_points = NumberAttribute(null=True)

    @staticmethod
    def key(user_id: str, film_id: str) -> tuple[str, str]:
        return f"USER#{user_id}", f"STATE#{film_id}"


class Recommendation(TableItem, discriminator="recommendation"):
    """A film recommended to a user; TTL 24 h (reads filter on ``recommended_at`` too)."""

    film_id = UnicodeAttribute()
    recommended_at = UnicodeAttribute()

    @staticmethod
    def key(user_id: str, film_id: str) -> tuple[str, str]:
        return f"USER#{user_id}", f"REC#{film_id}"


class HiddenFilm(TableItem, discriminator="hidden_film"):
    """A film the user asked never to be recommended again."""

    film_id = UnicodeAttribute()
    hidden_at = UnicodeAttribute()

    @staticmethod
    def key(user_id: str, film_id: str) -> tuple[str, str]:
        return f"USER#{user_id}", f"HIDDEN#{film_id}"


# --- ratings and reviews -----------------------------------------------------------------

#: Sort keys of rating items, in their film's partition: what the stream aggregator's event filter matches.
RATING_PREFIX = "RATING#"
#: LSI1 sort keys of rating items that carry a review, newest first by their last edit.
REVIEW_ORDER_PREFIX = "REVIEW#"


class FilmRating(TableItem, discriminator="rating"):
    """One user's score and/or review of one film, in the film's partition (``FILM#<fid>`` / ``RATING#<uid>``).

    The film's partition holds every rating of it, so their stream records reach the aggregator in order on
    one shard; with a review, LSI1SK ``REVIEW#<review_updated_at>#<uid>`` lists the film's reviews newest first.
    """

    film_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    half_points = NumberAttribute(null=True)
    rated_at = UnicodeAttribute(null=True)
    #: The author's username when the review was written (a page of reviews is then one Query).
    username = UnicodeAttribute(null=True)
    review_text = UnicodeAttribute(null=True)
    spoiler = BooleanAttribute(null=True)
    reviewed_at = UnicodeAttribute(null=True)
    review_updated_at = UnicodeAttribute(null=True)

    @staticmethod
    def key(film_id: str, user_id: str) -> tuple[str, str]:
        return f"FILM#{film_id}", f"{RATING_PREFIX}{user_id}"

    @staticmethod
    def review_order_key(updated_at: str, user_id: str) -> str:
        return f"{REVIEW_ORDER_PREFIX}{updated_at}#{user_id}"


# --- diary --------------------------------------------------------------------------------

DIARY_ORDER_PREFIX = "DIARY#"


class DiaryEntryItem(TableItem, discriminator="diary_entry"):
    """One logged watch: ``USER#<uid>`` / ``DIARY#<entry id>`` (one GetItem by id); LSI1SK
    ``DIARY#<watched_on>#<created_at>#<entry id>`` orders the diary by date, so a date range is one BETWEEN."""

    id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    film_id = UnicodeAttribute()
    watched_on = UnicodeAttribute()
    rewatch = BooleanAttribute(default=False)
    half_points = NumberAttribute(null=True)
    note = UnicodeAttribute(null=True)
    #: The film's genres when the entry was logged: what the year's genre counts were adjusted by.
    genre_ids = ListAttribute(of=UnicodeAttribute, default=list)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()

    @staticmethod
    def key(user_id: str, entry_id: str) -> tuple[str, str]:
        return f"USER#{user_id}", f"DIARY#{entry_id}"

    @staticmethod
    def date_order_key(watched_on: str, created_at: str, entry_id: str) -> str:
        return f"{DIARY_ORDER_PREFIX}{watched_on}#{created_at}#{entry_id}"


class DiaryYearStats(TableItem, discriminator="diary_stats"):
    """A user's diary counters for one year, updated with ADD in each diary write's transaction.

    Besides ``year``, every attribute is a counter named by ``filmhub.diary.ports`` (``entries``, ``month:03``,
    ``rating:7``, ``genre:<id>`` …): top-level attributes, because ADD creates those but not map members."""

    year = NumberAttribute(null=True)

    @staticmethod
    def key(user_id: str, year: int) -> tuple[str, str]:
        return f"USER#{user_id}", f"STATS#{year}"


class DiaryYearFilm(TableItem, discriminator="diary_year_film"):
    """How many diary entries of one film a user has in one year: its 0 → 1 and 1 → 0 changes count distinct films."""

    film_id = UnicodeAttribute()
    year = NumberAttribute()
    #: Stored as ``count``; ``Model.count()`` keeps its name in Python.
    entries = NumberAttribute(attr_name="count")
    #: The genres the year's genre counts were raised by when the count left 0: lowered by the same at 0.
    genre_ids = _string_list(default=list)

    @staticmethod
    def key(user_id: str, year: int, film_id: str) -> tuple[str, str]:
        return f"USER#{user_id}", f"YEARFILM#{year}#{film_id}"


class HealthSentinel(TableItem, discriminator="health"):
    """A fixed item that the health check reads: proves the table answers."""

    @staticmethod
    def key() -> tuple[str, str]:
        return "HEALTH", "HEALTH"


class SeedMarker(TableItem, discriminator="seed_marker"):
    """Records that a given version of the seed data was written, so restarts skip re-seeding."""

    seeded_at = UnicodeAttribute()

    @staticmethod
    def key(fingerprint: str) -> tuple[str, str]:
        return "SEED", fingerprint


# --- imports and exports ------------------------------------------------------------------


class TransferJobItem(TableItem, discriminator="transfer_job"):
    """An import or an export: ``TRANSFER#<id>`` / ``JOB``; the owner's jobs through GSI1
    ``USER#<uid>#IMPORTS|EXPORTS`` / ``<created_at>#<id>``.  Its chunk markers share the partition, so the
    job and its first unmatched rows are one Query."""

    id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    direction = UnicodeAttribute()
    state = UnicodeAttribute()
    format = UnicodeAttribute()
    filename = UnicodeAttribute(default="")
    total = NumberAttribute(default=0)
    processed = NumberAttribute(default=0)
    matched = NumberAttribute(default=0)
    chunks = NumberAttribute(default=0)
    error = UnicodeAttribute(null=True)
    object_key = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()

    @staticmethod
    def key(job_id: str) -> tuple[str, str]:
        return f"TRANSFER#{job_id}", "JOB"

    @staticmethod
    def index_key(user_id: str, direction: str, created_at: str, job_id: str) -> tuple[str, str]:
        return f"USER#{user_id}#{direction.upper()}S", f"{created_at}#{job_id}"


class TransferChunkItem(TableItem, discriminator="transfer_chunk"):
    """A chunk of an import's rows was counted: written with the job's counters, so it is counted once.
    Carries the chunk's unmatched rows (JSON: ``[[line, title, year, reason], …]``)."""

    number = NumberAttribute()
    unmatched = UnicodeAttribute(null=True)

    @staticmethod
    def key(job_id: str, number: int) -> tuple[str, str]:
        return f"TRANSFER#{job_id}", f"ROWS#{number:06d}"
