import factory

from musicians.models import Instrument, Musician


def instrument(slug: str) -> Instrument:
    """Instruments are seeded by a migration; tests use the real ones."""
    return Instrument.objects.get(slug=slug)


class MusicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Musician
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Musician {n:03d}")
    phone = factory.Sequence(lambda n: f"+1212555{1000 + n:04d}")
    time_zone = "America/New_York"

    @factory.post_generation
    def plays(musician: Musician, create: bool, slugs: list[str] | None, **kwargs: object) -> None:
        if create and slugs:
            musician.instruments.set(Instrument.objects.filter(slug__in=slugs))
