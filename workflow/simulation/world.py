"""The simulated world: a roster of musicians and a stream of order emails, drawn from a seed.

Everything here is plain data, made before any database exists, so every policy is
run on the same musicians (with the same behaviour draws) and the same orders.
"""

import datetime as dt
import json
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .reply_model import Behaviour, ReplyModel, stream

# Slug (seeded by musicians' migration 0002), the name a client writes, and how often orders want it.
INSTRUMENTS: tuple[tuple[str, str, float], ...] = (
    ("drums", "drums", 0.8),
    ("electric-bass", "bass guitar", 0.75),
    ("keyboard", "keys", 0.6),
    ("electric-guitar", "electric guitar", 0.5),
    ("acoustic-guitar", "acoustic guitar", 0.2),
    ("violin", "violin", 0.15),
    ("tenor-sax", "sax", 0.15),
    ("vocals", "vocals", 0.3),
)
MUSICIAN_ZONES = ("America/New_York", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")
CLIENT_ZONES = {"Eastern": "America/New_York", "Central": "America/Chicago", "Pacific": "America/Los_Angeles"}
FIRST_NAMES: tuple[str, ...] = ("Ana", "Bo", "Cass", "Dev", "Eli", "Fay", "Gus", "Hal", "Ida", "Jo", "Kit", "Lou")
FIRST_NAMES += ("Max", "Ned", "Oz", "Pia", "Quin", "Ray", "Sam", "Tess", "Uma", "Vic", "Wes", "Yara", "Zed")
LAST_NAMES = ("Reyes", "Chen", "Okafor", "Novak", "Brandt", "Silva", "Moreau", "Haddad", "Kowal", "Lindqvist", "Ortiz")
SONG_WORDS = ("Blue", "Night", "River", "Gold", "Summer", "Train", "Fire", "Velvet", "Moon", "Road", "Paper", "Neon")

MANAGER_PHONE = "+12125550199"
STUDIO_ZONE = "America/New_York"


@dataclass(frozen=True)
class SimMusician:
    index: int
    name: str
    phone: str  # fictional 555-01xx numbers
    instrument: str  # slug
    zone: str
    last_booked_days_ago: int | None  # None: never booked
    behaviour: Behaviour


@dataclass(frozen=True)
class SimOrder:
    index: int
    arrives_at: dt.datetime
    song: str  # unique per order: a phone tells which order an offer is about by it
    seats: int
    first_session_at: dt.datetime  # the earliest window's start
    email: dict[str, str]  # the JSON a Zap posts

    @property
    def short_notice(self) -> bool:
        return self.first_session_at - self.arrives_at < dt.timedelta(hours=48)

    def body(self) -> bytes:
        return json.dumps(self.email).encode()


@dataclass(frozen=True)
class World:
    seed: int
    start: dt.datetime
    musicians: tuple[SimMusician, ...]
    orders: tuple[SimOrder, ...]

    def order_for_song(self, song: str) -> SimOrder | None:
        return next((o for o in self.orders if o.song == song), None)


START = dt.datetime(2027, 3, 1, 5, tzinfo=dt.UTC)  # a Monday, midnight in New York; DST starts on Mar 14


def world_build(*, seed: int, orders: int, days: int, model: ReplyModel, start: dt.datetime = START) -> World:
    """The roster and the orders for a seed; the same seed always gives the same world."""
    roster = tuple(_roster(stream(seed, "roster"), seed, model))
    arrival_draws = stream(seed, "orders")
    arrivals = sorted(_arrival(arrival_draws, start, days) for _ in range(orders))
    made = tuple(_order(stream(seed, "order", i), i, seed, at) for i, at in enumerate(arrivals))
    return World(seed=seed, start=start, musicians=roster, orders=made)


def _roster(rng: random.Random, seed: int, model: ReplyModel) -> list[SimMusician]:
    names = rng.sample([f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES], k=8 * 8)
    musicians: list[SimMusician] = []
    for slug, _, _ in INSTRUMENTS:
        for _ in range(rng.randint(3, 8)):
            index = len(musicians)
            zone = rng.choice(MUSICIAN_ZONES)
            days_ago = None if rng.random() < 0.2 else rng.randint(1, 120)
            behaviour = model.musician(stream(seed, "musician", index), zone=zone)
            musicians.append(
                SimMusician(index, names[index], f"+1212555{100 + index:04d}", slug, zone, days_ago, behaviour)
            )
    return musicians


def _arrival(rng: random.Random, start: dt.datetime, days: int) -> dt.datetime:
    """Any hour of the day or night, most often in the studio's waking hours."""
    day = start + dt.timedelta(days=rng.randrange(days))
    minute = rng.randrange(8 * 60, 23 * 60) if rng.random() < 0.75 else rng.randrange(24 * 60)
    return (day + dt.timedelta(minutes=minute)).replace(second=0, microsecond=0)


def _order(rng: random.Random, index: int, seed: int, arrives_at: dt.datetime) -> SimOrder:
    zone_label, zone_name = rng.choice(list(CLIENT_ZONES.items()))
    zone = ZoneInfo(zone_name)
    hours = rng.choice((2, 3, 3, 4))
    wanted = _seats(rng)
    windows = _windows(rng, arrives_at.astimezone(zone), hours)
    song = f"{rng.choice(SONG_WORDS)} {rng.choice(SONG_WORDS)} No. {index + 1}"
    client = f"Client {index + 1}"
    instruments = ", ".join(name if count == 1 else f"{count} {name}s" for name, count in wanted)
    lines = [
        f"Client name: {client}",
        f"Client email: client{index + 1}@example.com",
        f"Song: {song}",
        f"Instruments: {instruments}",
        f"Session length: {hours} hours",
        f"Time zone: {zone_label}",
        "Available times:",
        *(f"- {_window_line(start, end)}" for start, end in windows),
        "MP3: https://example.com/guide.mp3",
        "Notes: Simulated order.",
    ]
    email = {
        "subject": f"New custom track order: {song}",
        "from": "Custom Tracks <orders@custom-tracks.example>",
        "body_plain": "\n".join(lines),
        "message_id": f"<sim-{seed}-{index:04d}@custom-tracks.example>",
    }
    first = min(start for start, _ in windows).astimezone(dt.UTC)
    return SimOrder(index, arrives_at, song, sum(c for _, c in wanted), first, email)


def _seats(rng: random.Random) -> list[tuple[str, int]]:
    """1-5 seats; now and then two of one instrument (two violins)."""
    count = rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5))
    names = [name for _, name, _ in INSTRUMENTS]
    weights = [weight for _, _, weight in INSTRUMENTS]
    wanted: dict[str, int] = {}
    while sum(wanted.values()) < count:
        name = rng.choices(names, weights)[0]
        if wanted.get(name, 0) < (2 if name in ("violin", "electric guitar") else 1):
            wanted[name] = wanted.get(name, 0) + 1
    return sorted(wanted.items())


def _windows(rng: random.Random, arrived: dt.datetime, hours: int) -> list[tuple[dt.datetime, dt.datetime]]:
    """1-4 windows on the client's clock, one a day between 9:00 and 23:00, the first 1 day to
    3 weeks ahead (a quarter of them within 48 hours)."""
    lead_hours = rng.uniform(24, 48) if rng.random() < 0.25 else rng.uniform(48, 21 * 24)
    earliest = (arrived + dt.timedelta(hours=lead_hours)).replace(minute=0, second=0, microsecond=0)
    earliest += dt.timedelta(hours=1)
    lengths = [hours * rng.choice((1, 1, 2)) for _ in range(rng.randint(1, 4))]
    first_day = earliest.date() if earliest.hour <= 23 - lengths[0] else earliest.date() + dt.timedelta(days=1)
    offsets = sorted({0, *(rng.randint(1, 6) for _ in lengths[1:])})
    windows = []
    for offset, length in zip(offsets, lengths, strict=False):
        day = first_day + dt.timedelta(days=offset)
        lowest = max(9, earliest.hour) if day == earliest.date() else 9
        start = dt.datetime.combine(day, dt.time(rng.randint(lowest, 23 - length)), tzinfo=arrived.tzinfo)
        windows.append((start, start + dt.timedelta(hours=length)))
    return windows


def _window_line(start: dt.datetime, end: dt.datetime) -> str:
    return f"{start:%A, %B} {start.day}, {start.year}, {_clock(start)}-{_clock(end)}"


def _clock(moment: dt.datetime) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}{'am' if moment.hour < 12 else 'pm'}"
