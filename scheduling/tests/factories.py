import factory

from scheduling.models import Studio


class StudioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Studio
        django_get_or_create = ["name"]

    name = "Test Studio"
    address = "1 Main St, New York"
    time_zone = "America/New_York"
    manager_name = "Dane"
    manager_phone = "+12125550199"
