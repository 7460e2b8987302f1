"""factory_boy factories for the tests."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.roles import Role
from patients.identity import search_name
from patients.models import ConsentTextVersion

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@clinic.test")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))


class PatientFactory(factory.django.DjangoModelFactory):
    """A registered patient, with the search fields the services would derive."""

    class Meta:
        model = "patients.Patient"

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    preferred_name = ""
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=90)
    phone = factory.Sequence(lambda n: f"604-555-{n % 10000:04d}")
    email = factory.LazyAttribute(lambda p: f"{p.given_name}.{p.family_name}@example.com".lower())
    created_by = factory.SubFactory(UserFactory)
    updated_by = factory.SelfAttribute("created_by")
    search_name = factory.LazyAttribute(lambda p: search_name(p.given_name, p.preferred_name, p.family_name))
    phone_digits = factory.LazyAttribute(lambda p: "".join(ch for ch in p.phone if ch.isdigit()))


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "patients.Consent"

    patient = factory.SubFactory(PatientFactory)
    text_version = factory.LazyFunction(lambda: ConsentTextVersion.objects.first())
    clinician = factory.SubFactory(UserFactory)
    form = "verbal"
    regions = factory.LazyFunction(lambda: ["head_neck", "upper_back"])
    alternatives_discussed = True
    stop_signal_agreed = True
